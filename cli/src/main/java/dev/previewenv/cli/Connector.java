package dev.previewenv.cli;

import dev.previewenv.core.ClusterConnection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Connects to the cluster of the command line. The seam the tests replace with the in-process API
 * server.
 */
@FunctionalInterface
interface Connector {
  /**
   * A client for the cluster, checked to answer.
   *
   * @throws dev.previewenv.core.ClusterUnavailableException saying how to give a cluster
   */
  KubernetesClient connect(Optional<Path> kubeconfig, Optional<String> context);

  /**
   * Core's {@link ClusterConnection}: {@code --kubeconfig}, else {@code KUBECONFIG}, else {@code
   * ~/.kube/config}, else the pod's service account; {@code --context} or the current context; the
   * API server must answer within seconds.
   */
  static Connector kubeconfig(UnaryOperator<String> env) {
    return (kubeconfig, context) ->
        ClusterConnection.locate()
            .environment(
                env,
                Path.of(System.getProperty("user.home")),
                ClusterConnection.SERVICE_ACCOUNT_TOKEN)
            .kubeconfig(kubeconfig.orElse(null), "--kubeconfig")
            .context(context.orElse(null), "--context")
            .connect();
  }
}
