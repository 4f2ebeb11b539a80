package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.Helm;
import dev.previewenv.core.PreviewEnvException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Turns a {@link Helm} setting into the executable to run. Lookups of system properties,
 * environment variables and the {@code PATH} are passed in, so that tests can give their own.
 */
final class HelmLocator {

  private final UnaryOperator<String> properties;
  private final UnaryOperator<String> environment;

  HelmLocator(UnaryOperator<String> properties, UnaryOperator<String> environment) {
    this.properties = properties;
    this.environment = environment;
  }

  static HelmLocator system() {
    return new HelmLocator(System::getProperty, System::getenv);
  }

  /**
   * The helm executable.
   *
   * @param what what is to be rendered, for messages (e.g. {@code Helm chart charts/shop})
   * @throws PreviewEnvException saying how to install helm or to pre-render when none is found
   */
  Path executable(Helm helm, String what, String preRender) {
    if (helm.executable().isPresent()) {
      Path p = helm.executable().get();
      return existing(p.toString(), helm.toString(), what, preRender);
    }
    String value = properties.apply(Helm.PROPERTY);
    if (value != null && !value.isBlank()) {
      return existing(
          value.trim(), "system property " + Helm.PROPERTY + "=" + value, what, preRender);
    }
    value = environment.apply(Helm.ENVIRONMENT_VARIABLE);
    if (value != null && !value.isBlank()) {
      return existing(
          value.trim(),
          "environment variable " + Helm.ENVIRONMENT_VARIABLE + "=" + value,
          what,
          preRender);
    }
    return Executables.onPath("helm", environment)
        .orElseThrow(
            () ->
                new PreviewEnvException(
                    "Cannot render "
                        + what
                        + ": 'helm' was not found on the PATH, and neither the system property "
                        + Helm.PROPERTY
                        + " nor the environment variable "
                        + Helm.ENVIRONMENT_VARIABLE
                        + " is set. "
                        + howToFix(preRender)));
  }

  private Path existing(String value, String origin, String what, String preRender) {
    return Executables.configured(value, origin, what, howToFix(preRender), environment);
  }

  static String howToFix(String preRender) {
    return "Install Helm 3 or 4 (https://helm.sh/docs/intro/install/) and put it on the PATH or"
        + " name it with -D"
        + Helm.PROPERTY
        + "=/path/to/helm, "
        + Helm.ENVIRONMENT_VARIABLE
        + " or Helm.binary(path). Or pre-render the manifests with '"
        + preRender
        + " > rendered.yaml' and load them with ManifestSource.file(Path.of(\"rendered.yaml\")).";
  }
}
