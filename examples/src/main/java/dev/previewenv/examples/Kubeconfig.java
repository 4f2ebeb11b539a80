package dev.previewenv.examples;

import dev.previewenv.core.ClusterConnection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The cluster of the command line: core's {@link ClusterConnection} preflight with {@code
 * --kubeconfig} and {@code --context}. Fails in seconds with a {@link
 * dev.previewenv.core.ClusterUnavailableException} saying what to do when there is no cluster, the
 * kubeconfig is wrong, or the server does not answer.
 */
final class Kubeconfig {
  private Kubeconfig() {}

  /** Connects to the cluster of {@code cluster} and checks that it answers. */
  static KubernetesClient connect(CliArgs.Cluster cluster) {
    return connect(cluster, System::getenv, Path.of(System.getProperty("user.home")));
  }

  static KubernetesClient connect(CliArgs.Cluster cluster, UnaryOperator<String> env, Path home) {
    return ClusterConnection.locate()
        .environment(env, home, ClusterConnection.SERVICE_ACCOUNT_TOKEN)
        .kubeconfig(cluster.kubeconfig().orElse(null), "--kubeconfig <file>")
        .context(cluster.context().orElse(null), "--context <name>")
        .connect();
  }
}
