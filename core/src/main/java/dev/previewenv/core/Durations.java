package dev.previewenv.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as PreviewEnv's settings write them everywhere (the extension's settings, the CLI's
 * options, the Maven plugin's parameters): {@code 250ms}, {@code 30s}, {@code 90m}, {@code 4h},
 * {@code 2d}, or ISO-8601 such as {@code PT4H}; case and surrounding blanks do not matter.
 */
public final class Durations {
  /** The forms, for messages that say what to write instead. */
  public static final String EXAMPLES = "4h, 90m, 30s, 2d or PT4H";

  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private Durations() {}

  /** {@code text} as a duration, or empty when it is neither form. */
  public static Optional<Duration> parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return Optional.of(
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          });
    }
    try {
      return Optional.of(Duration.parse(t.toUpperCase(Locale.ROOT)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** {@code text} as a duration longer than zero, or empty. */
  public static Optional<Duration> parsePositive(String text) {
    return parse(text).filter(d -> !d.isZero() && !d.isNegative());
  }
}
