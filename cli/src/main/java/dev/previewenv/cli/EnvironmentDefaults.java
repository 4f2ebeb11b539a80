package dev.previewenv.cli;

import java.util.Locale;
import java.util.function.UnaryOperator;
import picocli.CommandLine;

/**
 * Options not given on the command line come from environment variables named like the JUnit
 * extension's settings: {@code PREVIEWENV_} plus the setting in upper case ({@code --image} from
 * {@code PREVIEWENV_IMAGES}, comma separated; {@code --protect} from {@code
 * PREVIEWENV_PROTECTED_INGRESSES}; others by their name, e.g. {@code --host-format} from {@code
 * PREVIEWENV_HOST_FORMAT}).
 */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
  private final UnaryOperator<String> env;

  EnvironmentDefaults(UnaryOperator<String> env) {
    this.env = env;
  }

  /** The environment variable of an option, e.g. {@code PREVIEWENV_IMAGES} for {@code --image}. */
  static String variable(String command, String longestName) {
    String name = longestName.replaceFirst("^-+", "");
    if ("e2e".equals(command) && name.equals("image")) {
      return "PREVIEWENV_E2E_IMAGE";
    }
    String setting =
        switch (name) {
          case "image" -> "images";
          case "secret" -> "secrets";
          case "pull-secret" -> "pull-secrets";
          case "protect" -> "protected-ingresses";
          default -> name;
        };
    return "PREVIEWENV_" + setting.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
    if (argSpec instanceof CommandLine.Model.OptionSpec option
        && !option.usageHelp()
        && !option.versionHelp()) {
      String value =
          env.apply(
              variable(
                  option.command() == null ? null : option.command().name(), option.longestName()));
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return argSpec.defaultValue();
  }
}
