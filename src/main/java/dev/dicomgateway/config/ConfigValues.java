package dev.dicomgateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed access to merged configuration values; every conversion failure names the key and the value's origin. */
public final class ConfigValues {
    /** A value (a String or a List of String), where it came from, and the directory a relative path in it is relative to. */
    public record Entry(Object value, String origin, Path relativeTo) {
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    /**
     * The longest duration any key takes (100 years): "forever" in practice, and far from the limits of
     * {@link java.time.Instant} and of milliseconds in a long, which a longer one reaches only when it is used.
     */
    static final Duration MAX_DURATION = Duration.ofDays(36_500);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]i?B|B)?", Pattern.CASE_INSENSITIVE);

    private final Map<String, Entry> entries;

    ConfigValues(Map<String, Entry> entries) {
        this.entries = Map.copyOf(entries);
    }

    public String string(String key) throws ConfigException {
        Object value = entry(key).value();
        if (value instanceof List<?>) {
            throw invalid(key, value, "a single value, not a list");
        }
        return ((String) value).trim();
    }

    public String nonEmptyString(String key) throws ConfigException {
        String value = string(key);
        if (value.isEmpty()) {
            throw invalid(key, value, "a non-empty value");
        }
        return value;
    }

    public boolean bool(String key) throws ConfigException {
        String text = string(key).toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw invalid(key, text, "true or false");
        };
    }

    public List<String> list(String key) throws ConfigException {
        Object value = entry(key).value();
        if (value instanceof List<?> list) {
            return list.stream().map(item -> ((String) item).trim()).filter(item -> !item.isEmpty()).toList();
        }
        String text = ((String) value).trim();
        return text.isEmpty() ? List.of() : List.of(text.split("\\s*,\\s*"));
    }

    public int integer(String key, int min, int max) throws ConfigException {
        String text = string(key);
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw invalid(key, text, "a whole number from " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(key, text, "a whole number from " + min + " to " + max);
        }
    }

    public Duration duration(String key, Duration min) throws ConfigException {
        String text = string(key);
        Duration value;
        try {
            value = parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw invalid(key, text, "a duration such as 500ms, 60s, 5m, 2h or 1d");
        }
        if (value.compareTo(min) < 0) {
            throw invalid(key, text, "a duration of at least " + min.toMillis() + "ms");
        }
        if (value.compareTo(MAX_DURATION) > 0) {
            throw invalid(key, text, "a duration of at most " + MAX_DURATION.toDays() + "d");
        }
        return value;
    }

    /**
     * A duration in the configuration's syntax (500ms, 60s, 5m, 2h, 1d, or ISO-8601 such as PT1H), for commands
     * that take one; an {@link IllegalArgumentException} for anything else.
     */
    public static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        try {
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration such as 500ms, 60s, 5m, 2h or 1d: " + text, e);
        }
    }

    public long bytes(String key) throws ConfigException {
        String text = string(key);
        Matcher matcher = SIZE.matcher(text);
        if (!matcher.matches()) {
            throw invalid(key, text, "a size in bytes such as 1073741824, 512MiB or 10GiB");
        }
        try {
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "B" : matcher.group(2).toUpperCase(Locale.ROOT);
            long factor = switch (unit) {
                case "KIB" -> 1L << 10;
                case "MIB" -> 1L << 20;
                case "GIB" -> 1L << 30;
                case "TIB" -> 1L << 40;
                case "KB" -> 1_000L;
                case "MB" -> 1_000_000L;
                case "GB" -> 1_000_000_000L;
                case "TB" -> 1_000_000_000_000L;
                default -> 1L;
            };
            return Math.multiplyExact(amount, factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(key, text, "a size that fits in 63 bits");
        }
    }

    /**
     * An absolute path: a relative one resolved against the directory of where it was written (the installation for
     * the defaults, the file's directory for a config file, the working directory for an environment variable).
     */
    public Path path(String key) throws ConfigException {
        String text = nonEmptyString(key);
        try {
            Path path = Path.of(text);
            return path.isAbsolute() ? path.normalize() : entry(key).relativeTo().resolve(path).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw invalid(key, text, "a file system path");
        }
    }

    /** Where the value of {@code key} came from ("built-in defaults", a file, a variable). */
    public String origin(String key) throws ConfigException {
        return entry(key).origin();
    }

    private Entry entry(String key) throws ConfigException {
        Entry entry = entries.get(key);
        if (entry == null) {
            throw new ConfigException("configuration key " + key + " is not defined in the built-in defaults (broken build)");
        }
        return entry;
    }

    /** An error for {@code key}: its value, where it came from, and what is expected instead. */
    public ConfigException invalid(String key, Object value, String expected) {
        String origin = entries.containsKey(key) ? entries.get(key).origin() : "unknown origin";
        return new ConfigException("invalid value for " + key + " (" + origin + "): '" + printable(String.valueOf(value))
                + "'; expected " + expected);
    }

    /** {@code text} with control characters as \\xNN, so a value cannot forge lines or move a terminal's cursor. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)
                ? String.format("\\x%02X", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
