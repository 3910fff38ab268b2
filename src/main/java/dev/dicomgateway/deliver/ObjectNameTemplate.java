package dev.dicomgateway.deliver;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object names from destination.objectTemplate / instanceTemplate: {collection} {entity} {item} {studyDate} {part}
 * {study} {series} {sop} {version}. Shared by every object store, so a bucket and a local directory are laid out alike.
 */
public final class ObjectNameTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+)}");
    private final String template;

    public ObjectNameTemplate(String template) {
        this.template = template;
    }

    /** {@code part} 1 renders as "", later parts as "_p2", "_p3" (sendit compatible for the first batch). */
    public static String partSuffix(int part) {
        return part <= 1 ? "" : "_p" + part;
    }

    /** {@code version} 1 renders as "", later versions of an instance as "_v2", "_v3" ... */
    public static String versionSuffix(int version) {
        return version <= 1 ? "" : "_v" + version;
    }

    /**
     * The name of one instance's object: a second or later version must not take the first one's name (a store never
     * overwrites an object), so a template without {version} gets the suffix before the extension its text ends with
     * (".dcm" of "{sop}.dcm"; the dots of a UID are no extension), or at the end.
     */
    public String renderInstance(Map<String, String> values, int version) {
        Map<String, String> withVersion = new java.util.HashMap<>(values);
        withVersion.put("version", versionSuffix(version));
        String name = render(withVersion);
        if (template.contains("{version}") || version <= 1) {
            return name;
        }
        String tail = template.substring(template.lastIndexOf('}') + 1); // literal text after the last placeholder
        int dot = tail.lastIndexOf('.');
        if (dot < 0 || tail.indexOf('/', dot) >= 0) {
            return name + versionSuffix(version);
        }
        int extension = name.length() - (tail.length() - dot);
        return name.substring(0, extension) + versionSuffix(version) + name.substring(extension);
    }

    public String render(Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for {" + matcher.group(1) + "} in " + template);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
