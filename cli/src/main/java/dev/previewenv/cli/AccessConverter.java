package dev.previewenv.cli;

import dev.previewenv.core.Access;
import java.util.Locale;
import picocli.CommandLine;

/** {@code ingress}, {@code port-forward} or {@code auto}. */
final class AccessConverter implements CommandLine.ITypeConverter<Access> {
  @Override
  public Access convert(String value) {
    String normalized = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Access a : Access.values()) {
      if (a.name().equals(normalized)) {
        return a;
      }
    }
    throw new CommandLine.TypeConversionException(
        "'"
            + value
            + "' is not one of ingress (ingress hosts; needs an ingress controller and DNS),"
            + " port-forward (through the API server) or auto");
  }
}
