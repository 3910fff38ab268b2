package dev.dicomgateway.deidentify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PS3.15 Table E.1-1 with the chosen options applied: the action for every listed attribute. The table is data
 * (confidentiality-profile.tsv beside this class); this class only reads it and resolves options and choices.
 * Attributes the table does not list are kept here; {@link ValueRepresentationNet} then decides by value
 * representation (dates, person names, UIDs). Private attributes are handled by {@link SafePrivateAttributes}.
 */
final class ConfidentialityProfile {
    private static final String TABLE = "confidentiality-profile.tsv";

    private record Pattern(int groupMask, int group, int elementMask, int element, ProfileAction action) {
        boolean matches(int g, int e) {
            return (g & groupMask) == group && (e & elementMask) == element;
        }
    }

    private final Map<Integer, ProfileAction> exact = new HashMap<>();
    private final List<Pattern> repeating = new ArrayList<>();

    private ConfidentialityProfile() {
    }

    static ConfidentialityProfile load(ProfileOptions options) {
        ConfidentialityProfile profile = new ConfidentialityProfile();
        try (InputStream in = ConfidentialityProfile.class.getResourceAsStream(TABLE);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t", -1);
                ProfileAction action = resolve(columns[1], columns[2], options);
                profile.add(columns[0], action);
            }
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException(TABLE + " missing or unreadable (broken build)", e);
        }
        return profile;
    }

    /** The action for a standard (even-group) attribute; KEEP when the table does not list it. */
    ProfileAction action(int group, int element) {
        ProfileAction action = exact.get(group << 16 | element);
        if (action != null) {
            return action;
        }
        for (Pattern pattern : repeating) {
            if (pattern.matches(group, element)) {
                return pattern.action();
            }
        }
        return ProfileAction.KEEP;
    }

    /** True when the table has a row for this standard attribute (whatever its action). */
    boolean lists(int group, int element) {
        return exact.containsKey(group << 16 | element) || repeating.stream().anyMatch(p -> p.matches(group, element));
    }

    private void add(String tag, ProfileAction action) {
        if (tag.equals("odd")) {
            return; // private attributes: SafePrivateAttributes decides
        }
        String group = tag.substring(1, 5);
        String element = tag.substring(6, 10);
        if (group.contains("x") || element.contains("x")) {
            repeating.add(new Pattern(mask(group), value(group), mask(element), value(element), action));
        } else {
            exact.put(Integer.parseInt(group, 16) << 16 | Integer.parseInt(element, 16), action);
        }
    }

    private static int mask(String hex) {
        int mask = 0;
        for (char c : hex.toCharArray()) {
            mask = mask << 4 | (c == 'x' ? 0 : 0xF);
        }
        return mask;
    }

    private static int value(String hex) {
        return Integer.parseInt(hex.replace('x', '0'), 16);
    }

    /**
     * The Basic Profile action, overridden by every switched-on option the row names. Where the table offers a
     * choice the gateway keeps the attribute present but empty (Z) when it may, since it cannot know whether the
     * IOD requires it; X/D becomes a dummy; X/Z/U* (reference sequences) is kept with its UIDs replaced inside.
     */
    static ProfileAction resolve(String basic, String optionColumn, ProfileOptions options) {
        ProfileAction action;
        if (basic.contains("U*")) {
            action = ProfileAction.KEEP;
        } else if (basic.contains("/")) {
            action = basic.contains("Z") ? ProfileAction.ZERO : ProfileAction.DUMMY;
        } else {
            action = code(basic);
        }
        for (String option : optionColumn.split(" ")) {
            int equals = option.indexOf('=');
            if (equals > 0 && options.enabled(option.substring(0, equals))) {
                action = code(option.substring(equals + 1));
            }
        }
        return action;
    }

    private static ProfileAction code(String code) {
        return switch (code) {
            case "K" -> ProfileAction.KEEP;
            case "X" -> ProfileAction.REMOVE;
            case "Z" -> ProfileAction.ZERO;
            case "D" -> ProfileAction.DUMMY;
            case "C" -> ProfileAction.CLEAN;
            case "U" -> ProfileAction.REPLACE_UID;
            default -> throw new UncheckedIOException(new IOException("unknown action " + code + " in " + TABLE));
        };
    }
}
