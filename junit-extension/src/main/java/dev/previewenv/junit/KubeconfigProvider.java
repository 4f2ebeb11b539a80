package dev.previewenv.junit;

import dev.previewenv.core.ClusterConnection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * An existing cluster, through core's {@link ClusterConnection} preflight: the kubeconfig named by
 * {@link PreviewEnvironment#KUBECONFIG}, else the first existing file of {@code KUBECONFIG}, else
 * {@code ~/.kube/config}, else the pod's service account when running in a pod; context {@link
 * PreviewEnvironment#CONTEXT}. The API server must answer within {@link
 * PreviewEnvironment#CLUSTER_TIMEOUT}, so that a wrong kubeconfig or a dead server fails the run
 * within seconds with one message.
 */
final class KubeconfigProvider implements KubernetesClientProvider {
  static final String KUBECONFIG_OPTION = "-D" + PreviewEnvironment.KUBECONFIG + "=<file>";
  static final String CONTEXT_OPTION = "-D" + PreviewEnvironment.CONTEXT + "=<name>";

  private final Path home;
  private final Path serviceAccountToken;

  KubeconfigProvider() {
    this(Path.of(System.getProperty("user.home")), ClusterConnection.SERVICE_ACCOUNT_TOKEN);
  }

  KubeconfigProvider(Path home, Path serviceAccountToken) {
    this.home = home;
    this.serviceAccountToken = serviceAccountToken;
  }

  @Override
  public KubernetesClient connect(Function<String, Optional<String>> settings) {
    return connection(settings).connect();
  }

  /** The preflight for these settings; environment variables are read through {@code settings}. */
  ClusterConnection connection(Function<String, Optional<String>> settings) {
    ClusterConnection c =
        ClusterConnection.locate()
            .environment(name -> settings.apply(name).orElse(null), home, serviceAccountToken)
            .kubeconfig(
                settings.apply(PreviewEnvironment.KUBECONFIG).map(Path::of).orElse(null),
                KUBECONFIG_OPTION)
            .context(settings.apply(PreviewEnvironment.CONTEXT).orElse(null), CONTEXT_OPTION);
    Optional<String> timeout = settings.apply(PreviewEnvironment.CLUSTER_TIMEOUT);
    if (timeout.isPresent()) {
      Duration d = EnvironmentSpec.parseDuration(timeout.get());
      if (d == null || d.isZero() || d.isNegative()) {
        throw new ExtensionConfigurationException(
            PreviewEnvironment.CLUSTER_TIMEOUT
                + " is \""
                + timeout.get()
                + "\": use a positive duration such as 3s or 1500ms");
      }
      c = c.probeTimeout(d);
    }
    return c;
  }
}
