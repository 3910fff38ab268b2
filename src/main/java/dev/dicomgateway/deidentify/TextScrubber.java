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
                pattern(token)));
    }

    /**
     * Compiled patterns of tokens seen lately: a study's instances share their names, IDs and dates, so each is
     * compiled once per study rather than once per instance. Bounded; holds PHI only in memory, as the scrubber does.
     */
    private static final int CACHED_PATTERNS = 4096;
    private static final java.util.Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Pattern pattern(String token) {
        Pattern known = PATTERNS.get(token);
        if (known != null) {
            return known;
        }
        Pattern compiled = Pattern.compile((token.length() <= 3 ? "(?<![\\p{L}\\p{N}])" : "") + Pattern.quote(token)
                + (token.length() <= 3 ? "(?![\\p{L}\\p{N}])" : ""), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        if (PATTERNS.size() >= CACHED_PATTERNS) {
            PATTERNS.clear(); // a sender cannot grow it
        }
        PATTERNS.put(token, compiled);
        return compiled;
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
