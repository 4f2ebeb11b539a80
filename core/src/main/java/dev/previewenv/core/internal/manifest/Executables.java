package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.PreviewEnvException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Finds external programs on a {@code PATH} given as a lookup, so tests can give their own. */
final class Executables {

  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private Executables() {}

  /** The first executable file named {@code name} on {@code environment}'s {@code PATH}. */
  static Optional<Path> onPath(String name, UnaryOperator<String> environment) {
    String path = environment.apply("PATH");
    if (path == null || path.isBlank()) {
      return Optional.empty();
    }
    List<String> names = WINDOWS ? List.of(name + ".exe", name + ".cmd", name) : List.of(name);
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      for (String candidate : names) {
        try {
          Path p = Path.of(entry, candidate);
          if (Files.isRegularFile(p) && Files.isExecutable(p)) {
            return Optional.of(p);
          }
        } catch (InvalidPathException e) {
          // A malformed PATH entry cannot hold the program; look at the next one.
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The program a setting names ({@code value}, from {@code origin}): a bare name is looked up on
   * the {@code PATH}, a path must be an executable file.
   *
   * @param what what cannot be rendered without it, for the message
   * @param fix what to do instead, ending the message
   * @throws PreviewEnvException naming the setting and what is wrong with it
   */
  static Path configured(
      String value, String origin, String what, String fix, UnaryOperator<String> environment) {
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException e) {
      throw new PreviewEnvException(
          "Cannot render "
              + what
              + ": "
              + origin
              + " is not a valid path ("
              + e.getMessage()
              + "). "
              + fix);
    }
    if (path.getParent() == null) {
      Optional<Path> found = onPath(value, environment);
      if (found.isPresent()) {
        return found.get();
      }
      throw new PreviewEnvException(
          "Cannot render "
              + what
              + ": "
              + origin
              + " names '"
              + value
              + "', which is not on the PATH. "
              + fix);
    }
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      throw new PreviewEnvException(
          "Cannot render "
              + what
              + ": "
              + origin
              + " points at "
              + path
              + ", which "
              + (Files.exists(path) ? "is not an executable file" : "does not exist")
              + ". "
              + fix);
    }
    return path;
  }
}
