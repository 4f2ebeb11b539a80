package dev.previewenv.core.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Marks a test class that needs a real Kubernetes cluster. It runs when the system property {@code
 * previewenv.it.kubeconfig} or the environment variable {@code PREVIEWENV_IT_KUBECONFIG} names a
 * readable kubeconfig (any cluster: the single-node one of {@code shared/kube/kube-up}, kind, k3d,
 * a CI cluster) and is skipped with the reason otherwise. Injects a {@link KubernetesClient} for
 * that cluster, closed after the class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealCluster.Extension.class)
public @interface RealCluster {
  /** System property naming the kubeconfig of the cluster for real-cluster ITs. */
  String KUBECONFIG_PROPERTY = "previewenv.it.kubeconfig";

  /** Environment variable naming the kubeconfig of the cluster for real-cluster ITs. */
  String KUBECONFIG_ENV = "PREVIEWENV_IT_KUBECONFIG";

  /** Skips without a kubeconfig; resolves {@link KubernetesClient} parameters. */
  final class Extension implements ExecutionCondition, ParameterResolver {
    /** The kubeconfig given for real-cluster tests, when one is given and readable. */
    public static Optional<Path> kubeconfig() {
      String value = System.getProperty(RealCluster.KUBECONFIG_PROPERTY);
      if (value == null || value.isBlank() || value.startsWith("${")) {
        value = System.getenv(RealCluster.KUBECONFIG_ENV);
      }
      if (value == null || value.isBlank()) {
        return Optional.empty();
      }
      Path path = Path.of(value);
      return Files.isReadable(path) ? Optional.of(path) : Optional.empty();
    }

    /** A client for the real cluster; the caller closes it. */
    public static KubernetesClient newClient() {
      Path path =
          kubeconfig()
              .orElseThrow(() -> new IllegalStateException("no kubeconfig for real-cluster tests"));
      Config config = Config.fromKubeconfig((File) path.toFile());
      return new KubernetesClientBuilder()
          .withConfig(config)
          .withHttpClientFactory(dev.previewenv.core.HttpClients.reusing())
          .build();
    }

    private static final ExtensionContext.Namespace NS =
        ExtensionContext.Namespace.create(RealCluster.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Optional<Path> kubeconfig = kubeconfig();
      if (kubeconfig.isEmpty()) {
        String reason =
            "No real cluster: set "
                + RealCluster.KUBECONFIG_ENV
                + " (or -D"
                + RealCluster.KUBECONFIG_PROPERTY
                + ") to a readable kubeconfig to run real-cluster tests; .ci/run starts one with"
                + " shared/kube/kube-up";
        if (context.getTestMethod().isEmpty()) {
          // the build log shows skipped classes without their reason: say it where it is read
          System.err.println("SKIPPED " + context.getDisplayName() + ": " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
      }
      return ConditionEvaluationResult.enabled("real cluster from " + kubeconfig.get());
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
      return p.getParameter().getType() == KubernetesClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
      ExtensionContext root = c.getRoot();
      return root.getStore(NS)
          .getOrComputeIfAbsent(
              "client", k -> new CloseableClient(newClient()), CloseableClient.class)
          .client;
    }

    private record CloseableClient(KubernetesClient client)
        implements ExtensionContext.Store.CloseableResource, AutoCloseable {
      @Override
      public void close() {
        client.close();
      }
    }
  }
}
