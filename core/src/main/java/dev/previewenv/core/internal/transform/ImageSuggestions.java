package dev.previewenv.core.internal.transform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The image names of a plan closest to a name that matched nothing, for the message: names whose
 * last path segment equals the wanted one first ({@code api} → {@code team/api}), then by edit
 * distance; at most three, and only those close enough to be a plausible typo or short form.
 */
final class ImageSuggestions {
  private static final int MAX = 3;

  private ImageSuggestions() {}

  /** The image name without tag and digest ({@code registry:5000/team/api}). */
  static String nameOf(String image) {
    String rest = image;
    int at = rest.indexOf('@');
    if (at >= 0) {
      rest = rest.substring(0, at);
    }
    int colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
    return colon >= 0 ? rest.substring(0, colon) : rest;
  }

  /** At most three of {@code names} closest to {@code wanted}, best first. */
  static List<String> closest(String wanted, Collection<String> names) {
    String w = wanted.toLowerCase(Locale.ROOT);
    String wLast = last(w);
    List<String> candidates = new ArrayList<>();
    for (String n : new TreeSet<>(names)) {
      String lower = n.toLowerCase(Locale.ROOT);
      if (last(lower).equals(wLast)
          || lower.contains(wLast)
          || distance(last(lower), wLast) <= Math.max(1, wLast.length() / 3)
          || distance(lower, w) <= Math.max(2, w.length() / 3)) {
        candidates.add(n);
      }
    }
    candidates.sort(
        Comparator.<String>comparingInt(n -> last(n.toLowerCase(Locale.ROOT)).equals(wLast) ? 0 : 1)
            .thenComparingInt(n -> distance(n.toLowerCase(Locale.ROOT), w))
            .thenComparing(Comparator.naturalOrder()));
    return candidates.size() > MAX ? candidates.subList(0, MAX) : candidates;
  }

  private static String last(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
