package dev.dicomgateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Merges the three sources of configuration — built-in defaults, an optional YAML file, DICOM_GATEWAY_* environment
 * variables — into one flat map of dotted keys, remembering where each value came from and what a relative path in it
 * is relative to: the installation home for the defaults, the file's directory for a file, the working directory for a
 * variable. Only keys present in the defaults exist; anything else is an error that names the key.
 */
public final class ConfigSources {
    static final String ENV_PREFIX = "DICOM_GATEWAY_";
    private static final String DEFAULTS_RESOURCE = "gateway.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** A relative path in a DICOM_GATEWAY_* variable is relative to where the command runs, as in a shell. */
    private static final Path WORKING_DIRECTORY = Path.of("").toAbsolutePath();

    private ConfigSources() {
    }

    /**
     * The merged values: defaults, then {@code file} (may be null; its relative paths against its own directory), then
     * {@code environment}.
     */
    public static ConfigValues merge(Path file, Map<String, String> environment) throws ConfigException {
        return merge(file, file == null ? null : directoryOf(file), environment);
    }

    /**
     * As {@link #merge(Path, Map)}, with the relative paths of {@code file} resolved against {@code fileRelativeTo}
     * (the installation's own conf/gateway.yaml is written relative to the installation, like the defaults).
     */
    public static ConfigValues merge(Path file, Path fileRelativeTo, Map<String, String> environment) throws ConfigException {
        Map<String, ConfigValues.Entry> values = new LinkedHashMap<>();
        Path home = InstallationHome.directory();
        try (InputStream in = ConfigSources.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new ConfigException("built-in defaults " + DEFAULTS_RESOURCE + " missing from the classpath (broken build)");
            }
            flatten("", YAML.readTree(in), "built-in defaults", home, values, null);
        } catch (IOException e) {
            throw new ConfigException("cannot read built-in defaults: " + e.getMessage(), e);
        }
        if (file != null) {
            JsonNode tree;
            try {
                tree = YAML.readTree(Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                throw new ConfigException("config file " + file + " does not exist (--config; pass an existing file or omit it to use the defaults)");
            } catch (IOException e) {
                throw new ConfigException("config file " + file + " is not valid YAML: " + firstLine(e.getMessage()), e);
            }
            if (tree != null && !tree.isMissingNode() && !tree.isNull()) {
                if (!tree.isObject()) {
                    throw new ConfigException("config file " + file + " must be a YAML map of sections (e.g. 'dicom:'), found " + tree.getNodeType());
                }
                flatten("", tree, "config file " + file, fileRelativeTo, values, values.keySet());
            }
        }
        applyEnvironment(environment, values);
        return new ConfigValues(values);
    }

    private static Path directoryOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file.toAbsolutePath().getRoot() : parent;
    }

    private static void flatten(String prefix, JsonNode node, String origin, Path relativeTo,
                                Map<String, ConfigValues.Entry> values, java.util.Set<String> known) throws ConfigException {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (MAP_KEYS.contains(key) && value.isObject()) { // AE title → address: kept as "AE=address" list items
                if (known != null && !known.contains(key)) {
                    throw new ConfigException("unknown configuration key " + key + " (" + origin + ")");
                }
                List<String> entries = new ArrayList<>();
                value.fields().forEachRemaining(entry -> entries.add(entry.getKey() + "=" + entry.getValue().asText()));
                values.put(key, new ConfigValues.Entry(List.copyOf(entries), origin, relativeTo));
                continue;
            }
            if (value.isObject()) {
                if (known != null && known.contains(key)) {
                    throw new ConfigException(key + " (" + origin + ") is a value, not a section: write '" + key + ": <value>'");
                }
                flatten(key, value, origin, relativeTo, values, known);
                continue;
            }
            if (known != null && !known.contains(key)) {
                throw new ConfigException("unknown configuration key " + key + " (" + origin + ")"
                        + suggestion(key, known) + "; every key is listed in conf/gateway.yaml");
            }
            values.put(key, new ConfigValues.Entry(toValue(value), origin, relativeTo));
        }
    }

    /**
     * Keys whose value is a map (dicom.storageCommitment.peers: AE title → host:port); its variable takes
     * "AE=host:port" entries separated by commas.
     */
    private static final java.util.Set<String> MAP_KEYS = java.util.Set.of("dicom.storageCommitment.peers");

    private static Object toValue(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return List.copyOf(items);
        }
        return value.isNull() ? "" : value.asText();
    }

    /** sendit's and Google's variable names, accepted so their users can move over (DICOM_GATEWAY_* wins). */
    private static final Map<String, String> ALIASES = Map.of(
            "GOOGLE_STORAGE_COLLECTION", "collection",
            "GOOGLE_CLOUD_STORAGE", "destination.gcs.bucket",
            "GOOGLE_PROJECT_NAME", "destination.gcs.project",
            "GOOGLE_CLOUD_PROJECT", "destination.gcs.project");

    private static void applyEnvironment(Map<String, String> environment, Map<String, ConfigValues.Entry> values)
            throws ConfigException {
        for (String alias : new String[] {"GOOGLE_CLOUD_PROJECT", "GOOGLE_PROJECT_NAME", "GOOGLE_CLOUD_STORAGE",
                "GOOGLE_STORAGE_COLLECTION"}) {
            String value = environment.get(alias);
            if (value != null && !value.isBlank() && values.containsKey(ALIASES.get(alias))) {
                values.put(ALIASES.get(alias), new ConfigValues.Entry(value.trim(), "environment variable " + alias, WORKING_DIRECTORY));
            }
        }
        Map<String, String> byNormalizedName = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            byNormalizedName.put(normalize(key), key);
        }
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            if (!variable.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String key = byNormalizedName.get(normalize(variable.getKey().substring(ENV_PREFIX.length())));
            if (key == null) {
                throw new ConfigException("unknown configuration variable " + variable.getKey()
                        + ": no key matches it (variables are DICOM_GATEWAY_ plus a key of conf/gateway.yaml, e.g. DICOM_GATEWAY_DICOM_PORT)");
            }
            Object previous = values.get(key).value();
            Object value = previous instanceof List<?> ? splitList(variable.getValue()) : variable.getValue();
            values.put(key, new ConfigValues.Entry(value, "environment variable " + variable.getKey(), WORKING_DIRECTORY));
        }
    }

    private static List<String> splitList(String raw) {
        List<String> items = new ArrayList<>();
        for (String item : raw.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return List.copyOf(items);
    }

    /** Upper case with dots and underscores removed, so DICOM_PORT, DICOMPORT and dicom.port all match. */
    private static String normalize(String name) {
        return name.replace(".", "").replace("_", "").toUpperCase(Locale.ROOT);
    }

    private static String suggestion(String key, java.util.Set<String> known) {
        String normalized = normalize(key);
        for (String candidate : known) {
            if (normalize(candidate).equals(normalized)) {
                return " (did you mean " + candidate + "?)";
            }
        }
        String leaf = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        for (String candidate : known) {
            if (candidate.toLowerCase(Locale.ROOT).endsWith("." + leaf)) {
                return " (did you mean " + candidate + "?)";
            }
        }
        return "";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
