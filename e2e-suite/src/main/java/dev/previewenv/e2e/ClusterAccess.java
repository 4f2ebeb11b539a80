package dev.previewenv.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Whether the tests that read the environment through the Kubernetes API ({@code @Tag("cluster")})
 * can reach it. Provisioned environments always can (PreviewEnv just used the cluster). In attach
 * mode ({@code PREVIEWENV_NAMESPACE} set) the suite needs a kubeconfig ({@code
 * previewenv.kubeconfig}, {@code KUBECONFIG}, {@code ~/.kube/config}) or, inside the cluster, the
 * pod's service account; a container run outside any cluster has neither, and those tests are
 * skipped.
 */
final class ClusterAccess {
  static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private ClusterAccess() {}

  /** Why no cluster can be reached from here, or empty when one can (or may). */
  static Optional<String> unavailableReason() {
    return unavailableReason(
        System::getenv, System::getProperty, Path.of(System.getProperty("user.home")));
  }

  static Optional<String> unavailableReason(
      UnaryOperator<String> env, UnaryOperator<String> properties, Path home) {
    boolean attach =
        present(env.apply("PREVIEWENV_NAMESPACE"))
            || present(properties.apply("previewenv.namespace"));
    if (!attach) {
      return Optional.empty();
    }
    boolean kubeconfig =
        present(env.apply("PREVIEWENV_KUBECONFIG"))
            || present(properties.apply("previewenv.kubeconfig"))
            || present(env.apply("KUBECONFIG"))
            || Files.isRegularFile(home.resolve(".kube").resolve("config"));
    boolean serviceAccount =
        present(env.apply("KUBERNETES_SERVICE_HOST")) && Files.isRegularFile(SERVICE_ACCOUNT_TOKEN);
    if (kubeconfig || serviceAccount) {
      return Optional.empty();
    }
    return Optional.of(
        "attach mode (PREVIEWENV_NAMESPACE is set) without a Kubernetes API to read from: no"
            + " kubeconfig (PREVIEWENV_KUBECONFIG, KUBECONFIG, ~/.kube/config) and no in-cluster"
            + " service account; run the suite as the E2E Job inside the cluster, or give it a"
            + " kubeconfig");
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
