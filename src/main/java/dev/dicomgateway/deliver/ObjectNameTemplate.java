package dev.dicomgateway.deliver;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object names from destination.objectTemplate / instanceTemplate: {collection} {entity} {item} {studyDate} {part}
 * {study} {series} {sop}. Shared by every object store, so a bucket and a local directory are laid out alike.
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
