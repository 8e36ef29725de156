package dev.freshet.model.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" hints: the closest candidate by edit distance, if it is close enough. */
public final class Suggestions {
    private Suggestions() {
    }

    /**
     * The candidate closest to {@code word}, when its edit distance is at most a third of the
     * word's length (at least 1, at most 3) or one of them is a case-insensitive prefix of the other.
     */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = word.toLowerCase(Locale.ROOT);
        for (String candidate : candidates) {
            int d = distance(w, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int limit = Math.min(3, Math.max(1, word.length() / 3));
        String b = best.toLowerCase(Locale.ROOT);
        boolean prefix = w.length() >= 3 && (b.startsWith(w) || w.startsWith(b));
        return bestDistance <= limit || prefix ? Optional.of(best) : Optional.empty();
    }

    /** {@code " (did you mean 'x'?)"} or the empty string. */
    public static String hint(String word, Collection<String> candidates) {
        return hint(closest(word, candidates));
    }

    /** {@code " (did you mean 'x'?)"} for a suggestion {@code x}, or the empty string. */
    public static String hint(Optional<String> suggestion) {
        return suggestion.map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    /** Damerau-Levenshtein distance (optimal string alignment: adjacent swaps cost 1). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
