package dev.previewenv.cli;

import java.time.Duration;
import picocli.CommandLine;

/** Durations as the extension's settings write them: {@code 4h}, {@code 90m}, {@code PT4H}. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return dev.previewenv.core.Durations.parsePositive(value)
        .orElseThrow(
            () ->
                new CommandLine.TypeConversionException(
                    "'"
                        + value
                        + "' is not a positive duration such as "
                        + dev.previewenv.core.Durations.EXAMPLES));
  }
}
