package dev.previewenv.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * PreviewEnv settings with their precedence, highest first: environment variables, system
 * properties, JUnit configuration parameters. (The annotation, lowest, is applied by the caller.)
 * Blank values count as unset. Immutable.
 */
final class Settings {

  /** Reads environment variables; {@link #system()} in production, a map in tests. */
  @FunctionalInterface
  interface Environment {
    /** The variable's value, or {@code null}. */
    String get(String name);

    static Environment system() {
      return System::getenv;
    }
  }

  private final Function<String, Optional<String>> parameters;
  private final Function<String, String> systemProperties;
  private final Environment environment;

  Settings(
      Function<String, Optional<String>> parameters,
      Function<String, String> systemProperties,
      Environment environment) {
    this.parameters = parameters;
    this.systemProperties = systemProperties;
    this.environment = environment;
  }

  /** The environment variable form of a setting: upper case, dots and dashes as underscores. */
  static String environmentName(String setting) {
    return setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The value of the setting from the highest source that has one. */
  Optional<String> get(String name) {
    for (String value : all(name)) {
      return Optional.of(value);
    }
    return Optional.empty();
  }

  /**
   * The setting's values, highest precedence first; unset sources are left out, and so is a value
   * equal to one of a higher source (JUnit reads system properties as configuration parameters too,
   * so {@code -Dx=y} arrives twice: one bad entry must be one problem, not two).
   */
  List<String> all(String name) {
    List<String> values = new ArrayList<>(3);
    add(values, environment.get(environmentName(name)));
    add(values, systemProperties.apply(name));
    add(values, parameters.apply(name).orElse(null));
    return values;
  }

  /** Where the setting's effective value comes from, for messages. */
  String origin(String name) {
    if (present(environment.get(environmentName(name)))) {
      return "environment variable " + environmentName(name);
    }
    if (present(systemProperties.apply(name))) {
      return "system property " + name;
    }
    if (present(parameters.apply(name).orElse(null))) {
      return "configuration parameter " + name;
    }
    return "setting " + name;
  }

  /** An environment variable read as it is (CI variables such as {@code GITHUB_REF_NAME}). */
  Optional<String> variable(String name) {
    String value = environment.get(name);
    return present(value) ? Optional.of(value.strip()) : Optional.empty();
  }

  private static void add(List<String> values, String value) {
    if (present(value) && !values.contains(value.strip())) {
      values.add(value.strip());
    }
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  /** Splits a comma separated list, dropping blanks. */
  static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return items;
  }
}
