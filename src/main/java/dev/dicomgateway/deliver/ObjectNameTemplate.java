package dev.dicomgateway.deliver;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Object names from destination.objectTemplate (a study archive: {collection} {entity} {item} {studyDate} {part})
 * and destination.instanceTemplate (one instance: those and {study} {series} {sop} {version}). Shared by every object
 * store, so a bucket and a local directory are laid out alike. A template is checked when the configuration is loaded,
 * by rendering it with sample values of its kind: whatever passes names every batch apart and is a valid name in a
 * bucket and on a local file system, so delivery never meets a template it cannot render.
 */
public final class ObjectNameTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+)}");
    /** Google Cloud Storage's limit on an object name, in UTF-8 bytes. */
    private static final int MAX_NAME_BYTES = 1024;
    /** The longest file name a local file system takes (NAME_MAX), in bytes. */
    private static final int MAX_SEGMENT_BYTES = 255;
    private static final String SAMPLE_UID = "2.25.123456789012345678901234567890123456789012345678901234567890";

    /** What a template names: the values its names are made of, and those it needs to tell objects apart. */
    public enum Kind {
        /** destination.objectTemplate: one archive per batch, a later part of a study being a new batch. */
        ARCHIVE(List.of("collection", "entity", "item", "studyDate", "part"), List.of("item", "part"),
                "a study archive's name"),
        /** destination.instanceTemplate: one object per instance. */
        INSTANCE(List.of("collection", "entity", "item", "studyDate", "part", "study", "series", "sop", "version"),
                List.of("sop"),
                "an instance's name");

        private final List<String> placeholders;
        private final List<String> required;
        private final String what;

        Kind(List<String> placeholders, List<String> required, String what) {
            this.placeholders = placeholders;
            this.required = required;
            this.what = what;
        }

        /** The placeholders {@link BatchDelivery} supplies for this kind, in documentation order. */
        public List<String> placeholders() {
            return placeholders;
        }

        /** Sample values of the longest realistic shape: pseudonyms, a study date, part 1 or 2, 64-character UIDs. */
        Map<String, String> sample(int part) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("collection", "COLLECTION");
            values.put("entity", "EABCDEFGHIJKLM");
            values.put("item", "INOPQRSTUVWXYZ");
            values.put("studyDate", "20240131");
            values.put("part", partSuffix(part));
            values.put("study", SAMPLE_UID);
            values.put("series", SAMPLE_UID);
            values.put("sop", SAMPLE_UID);
            values.put("version", versionSuffix(part)); // part 2's sample is also a second version
            values.keySet().retainAll(Set.copyOf(placeholders));
            return values;
        }
    }

    private final String template;

    private ObjectNameTemplate(String template) {
        this.template = template;
    }

    /** destination.objectTemplate, checked; an {@link IllegalArgumentException} says what is wrong with it. */
    public static ObjectNameTemplate forArchives(String template) {
        return of(Kind.ARCHIVE, template);
    }

    /** destination.instanceTemplate, checked; an {@link IllegalArgumentException} says what is wrong with it. */
    public static ObjectNameTemplate forInstances(String template) {
        return of(Kind.INSTANCE, template);
    }

    /**
     * {@code template} for names of {@code kind}, checked: only that kind's placeholders, the ones that tell its
     * objects apart, and names that a bucket and a local directory accept (rendered from sample values).
     */
    public static ObjectNameTemplate of(Kind kind, String template) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            if (!kind.placeholders.contains(matcher.group(1))) {
                throw new IllegalArgumentException("placeholders among " + list(kind.placeholders) + ", not {"
                        + matcher.group(1) + "} (" + kind.what + " is made of those)");
            }
        }
        if (PLACEHOLDER.matcher(template).replaceAll("").matches(".*[{}].*")) {
            throw new IllegalArgumentException("placeholders written {name}, among " + list(kind.placeholders)
                    + " (a brace is left over)");
        }
        List<String> missing = kind.required.stream().filter(p -> !template.contains("{" + p + "}")).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("a template with " + list(kind.required) + ", so that every "
                    + (kind == Kind.ARCHIVE ? "batch (and each later part of a study)" : "instance")
                    + " gets a name of its own; missing " + list(missing));
        }
        ObjectNameTemplate checked = new ObjectNameTemplate(template);
        checkName(checked.render(kind.sample(1)));
        checkName(checked.render(kind.sample(2)));
        return checked;
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

    /**
     * {@code name} with {@code suffix} before its extension (".tar.gz", or a last dot followed by letters only, as in
     * ".dcm": the dots of a UID are no extension), or at the end. For a name another gateway took first.
     */
    public static String withSuffix(String name, String suffix) {
        int segment = name.lastIndexOf('/') + 1;
        int extension = name.endsWith(".tar.gz") && name.length() - ".tar.gz".length() > segment
                ? name.length() - ".tar.gz".length() : name.lastIndexOf('.');
        if (extension <= segment || !name.substring(extension + 1).matches("[A-Za-z]+(\\.gz)?")) {
            return name + suffix;
        }
        return name.substring(0, extension) + suffix + name.substring(extension);
    }

    /** "_" and gateway.id as a name segment's text: letters, digits, '.', '-' and '_' kept, anything else '_'. */
    public static String gatewaySuffix(String gatewayId) {
        return "_" + gatewayId.replaceAll("[^A-Za-z0-9._-]", "_");
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

    /** A relative name of non-empty segments, none "." or "..", no control characters, within the length limits. */
    private static void checkName(String name) {
        String problem = null;
        if (name.startsWith("/")) {
            problem = "starts with '/'";
        } else if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))) {
            problem = "holds a control character";
        } else if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            problem = "is longer than " + MAX_NAME_BYTES + " bytes";
        } else {
            for (String segment : name.split("/", -1)) {
                if (segment.isEmpty()) {
                    problem = "has an empty path segment (a '/' at the end, or two in a row)";
                } else if (segment.equals(".") || segment.equals("..")) {
                    problem = "has a path segment '" + segment + "'";
                } else if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                    problem = "has a path segment longer than " + MAX_SEGMENT_BYTES + " bytes";
                }
                if (problem != null) {
                    break;
                }
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException("a relative object name of non-empty segments, none '.' or '..' "
                    + "(with sample values it renders '" + name.replaceAll("\\p{Cntrl}", "?") + "', which " + problem + ")");
        }
    }

    private static String list(List<String> placeholders) {
        return placeholders.stream().map(p -> "{" + p + "}").collect(Collectors.joining(" "));
    }
}
