package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.Kustomize;
import dev.previewenv.core.PreviewEnvException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Turns a {@link Kustomize} setting into the command line that renders a directory. Lookups of
 * system properties, environment variables and the {@code PATH} are passed in, so that tests can
 * give their own.
 */
final class KustomizeLocator {

  private final UnaryOperator<String> properties;
  private final UnaryOperator<String> environment;

  KustomizeLocator(UnaryOperator<String> properties, UnaryOperator<String> environment) {
    this.properties = properties;
    this.environment = environment;
  }

  static KustomizeLocator system() {
    return new KustomizeLocator(System::getProperty, System::getenv);
  }

  /** The command line ({@code kustomize build dir} or {@code kubectl kustomize dir}). */
  List<String> command(Kustomize kustomize, Path dir) {
    Path executable;
    Kustomize.Tool tool;
    switch (kustomize.tool()) {
      case AUTO -> {
        Configured configured = configured();
        if (configured != null) {
          executable = existing(configured.value, configured.origin, dir);
          tool = toolFor(executable);
        } else {
          Optional<Path> found = onPath("kustomize");
          tool = Kustomize.Tool.KUSTOMIZE;
          if (found.isEmpty()) {
            found = onPath("kubectl");
            tool = Kustomize.Tool.KUBECTL;
          }
          executable =
              found.orElseThrow(
                  () ->
                      new PreviewEnvException(
                          "Cannot render kustomize directory "
                              + dir
                              + ": neither 'kustomize' nor 'kubectl' was found on the PATH, and"
                              + " neither the system property "
                              + Kustomize.PROPERTY
                              + " nor the environment variable "
                              + Kustomize.ENVIRONMENT_VARIABLE
                              + " is set. "
                              + howToFix(dir)));
        }
      }
      case KUSTOMIZE, KUBECTL -> {
        Path configured = kustomize.executable().orElseThrow();
        executable = existing(configured.toString(), kustomize.toString(), dir);
        tool = kustomize.tool();
      }
      default -> throw new IllegalStateException("unknown tool " + kustomize.tool());
    }
    List<String> command = new ArrayList<>(3);
    command.add(executable.toString());
    command.add(tool == Kustomize.Tool.KUBECTL ? "kustomize" : "build");
    command.add(dir.toString());
    return command;
  }

  private record Configured(String value, String origin) {}

  private Configured configured() {
    String value = properties.apply(Kustomize.PROPERTY);
    if (value != null && !value.isBlank()) {
      return new Configured(value.trim(), "system property " + Kustomize.PROPERTY + "=" + value);
    }
    value = environment.apply(Kustomize.ENVIRONMENT_VARIABLE);
    if (value != null && !value.isBlank()) {
      return new Configured(
          value.trim(), "environment variable " + Kustomize.ENVIRONMENT_VARIABLE + "=" + value);
    }
    return null;
  }

  private Path existing(String value, String origin, Path dir) {
    return Executables.configured(
        value, origin, "kustomize directory " + dir, howToFix(dir), environment);
  }

  private static Kustomize.Tool toolFor(Path executable) {
    String name = executable.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".exe")) {
      name = name.substring(0, name.length() - 4);
    }
    return name.equals("kubectl") ? Kustomize.Tool.KUBECTL : Kustomize.Tool.KUSTOMIZE;
  }

  private Optional<Path> onPath(String name) {
    return Executables.onPath(name, environment);
  }

  static String howToFix(Path dir) {
    return "Install one of them: the kustomize release binary"
        + " (https://github.com/kubernetes-sigs/kustomize/releases) or kubectl"
        + " (https://kubernetes.io/docs/tasks/tools/), and put it on the PATH or name it with -D"
        + Kustomize.PROPERTY
        + "=/path/to/kustomize, "
        + Kustomize.ENVIRONMENT_VARIABLE
        + " or Kustomize.binary(path)/Kustomize.kubectl(path). Or pre-render the manifests with"
        + " 'kustomize build "
        + dir
        + " > rendered.yaml' and load them with ManifestSource.file(Path.of(\"rendered.yaml\")).";
  }
}
