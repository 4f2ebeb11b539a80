package dev.previewenv.cli;

import dev.previewenv.core.OnConflict;
import java.util.Locale;
import picocli.CommandLine;

/** {@code fail}, {@code wait:<duration>} (e.g. {@code wait:10m}) or {@code take-over}. */
final class OnConflictConverter implements CommandLine.ITypeConverter<OnConflict> {
  @Override
  public OnConflict convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("fail")) {
      return OnConflict.fail();
    }
    if (v.equals("take-over") || v.equals("takeover")) {
      return OnConflict.takeOver();
    }
    if (v.startsWith("wait:") || v.startsWith("wait=")) {
      return OnConflict.waitAtMost(new Durations().convert(v.substring(5)));
    }
    throw new CommandLine.TypeConversionException(
        "'"
            + value
            + "' is not fail (the default), wait:<duration> such as wait:10m, or take-over");
  }
}
