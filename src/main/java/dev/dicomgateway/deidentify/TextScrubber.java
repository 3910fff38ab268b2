package dev.dicomgateway.deidentify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans free text (the C action for descriptors): removes every occurrence of this instance's own identifiers —
 * name components, IDs, dates of birth, addresses, phone numbers, institution and physician names — found in the
 * attributes the profile removes or replaces. It cannot recognise identifiers it was not shown; sites whose
 * descriptions carry other PHI switch deidentify.cleanDescriptors off, and descriptors are then removed.
 */
final class TextScrubber {
    static final String MASK = "***";
    private static final int MIN_TOKEN = 2;

    private final List<Pattern> patterns = new ArrayList<>();

    /**
     * {@code identifiers} are removed whole and by their parts (a name's components); {@code phrases} (the instance's
     * dates as text shows them, "April 17, 2019") only whole, so their parts ("17", "2019") stay elsewhere.
     */
    TextScrubber(Set<String> identifiers, Set<String> phrases) {
        Set<String> tokens = new LinkedHashSet<>();
        phrases.stream().map(String::trim).filter(p -> p.length() >= MIN_TOKEN).forEach(tokens::add);
        for (String identifier : identifiers) {
            String value = identifier.trim();
            if (value.length() >= MIN_TOKEN) {
                tokens.add(value);
            }
            for (String part : value.split("[\\^=\\\\ ,]+")) {
                if (part.length() >= MIN_TOKEN) {
                    tokens.add(part);
                }
            }
        }
        tokens.stream().sorted(Comparator.comparingInt(String::length).reversed()).forEach(token -> patterns.add(
                Pattern.compile((token.length() <= 3 ? "(?<![\\p{L}\\p{N}])" : "") + Pattern.quote(token)
                        + (token.length() <= 3 ? "(?![\\p{L}\\p{N}])" : ""),
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)));
    }

    String scrub(String text) {
        String result = text;
        for (Pattern pattern : patterns) {
            Matcher matcher = pattern.matcher(result);
            if (matcher.find()) {
                result = matcher.replaceAll(MASK);
            }
        }
        return result;
    }

    boolean isEmpty() {
        return patterns.isEmpty();
    }

}
