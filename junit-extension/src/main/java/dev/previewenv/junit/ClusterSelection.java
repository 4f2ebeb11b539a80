package dev.previewenv.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.ReflectionSupport;

/** Chooses the {@link KubernetesClientProvider} of the run. */
final class ClusterSelection {
  static final String K3S_CLASS = "org.testcontainers.k3s.K3sContainer";
  static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private ClusterSelection() {}

  /**
   * The provider named by {@link PreviewEnvironment#CLUSTER_PROVIDER}; else the kubeconfig provider
   * when a kubeconfig or service account exists; else k3s when Testcontainers' k3s module is on the
   * classpath.
   *
   * @throws ExtensionConfigurationException when none applies, listing the options
   */
  static KubernetesClientProvider select(Settings settings, Path home, ClassLoader loader) {
    Optional<String> named = settings.get(PreviewEnvironment.CLUSTER_PROVIDER);
    if (named.isPresent()) {
      return instantiate(named.get(), settings, loader);
    }
    if (settings.get(PreviewEnvironment.KUBECONFIG).isPresent()
        || settings.variable("KUBECONFIG").isPresent()
        || Files.isRegularFile(home.resolve(".kube").resolve("config"))
        || (settings.variable("KUBERNETES_SERVICE_HOST").isPresent()
            && Files.isRegularFile(SERVICE_ACCOUNT_TOKEN))) {
      return new KubeconfigProvider();
    }
    if (ReflectionSupport.tryToLoadClass(K3S_CLASS, loader).toOptional().isPresent()) {
      return new K3sProvider();
    }
    throw new ExtensionConfigurationException(
        noClusterMessage("Testcontainers' k3s module is not on the classpath"));
  }

  /** The message when no cluster is available, listing every way to give one. */
  static String noClusterMessage(String k3sProblem) {
    return "PreviewEnv found no Kubernetes cluster: no kubeconfig (KUBECONFIG, ~/.kube/config),"
        + " no in-cluster service account, and the embedded k3s cluster is not available ("
        + k3sProblem
        + "). Do one of: (1) point -D"
        + PreviewEnvironment.KUBECONFIG
        + "=<file> (env "
        + Settings.environmentName(PreviewEnvironment.KUBECONFIG)
        + ") at a kubeconfig, context with -D"
        + PreviewEnvironment.CONTEXT
        + "=<name>; for this project's real-cluster ITs set PREVIEWENV_IT_KUBECONFIG;"
        + " (2) add org.testcontainers:testcontainers-k3s to the test classpath, run Docker and"
        + " load the k3s image (docker pull "
        + PreviewEnvironment.DEFAULT_K3S_IMAGE
        + ", or another named by -D"
        + PreviewEnvironment.K3S_IMAGE
        + "); (3) name your own KubernetesClientProvider with -D"
        + PreviewEnvironment.CLUSTER_PROVIDER
        + "=<class>.";
  }

  private static KubernetesClientProvider instantiate(
      String className, Settings settings, ClassLoader loader) {
    String origin = settings.origin(PreviewEnvironment.CLUSTER_PROVIDER);
    Class<?> type =
        ReflectionSupport.tryToLoadClass(className, loader)
            .getOrThrow(
                e ->
                    new ExtensionConfigurationException(
                        origin
                            + " names the class "
                            + className
                            + ", which is not on the test classpath; fix the name or add it",
                        e));
    if (!KubernetesClientProvider.class.isAssignableFrom(type)) {
      throw new ExtensionConfigurationException(
          origin
              + " names "
              + className
              + ", which does not implement "
              + KubernetesClientProvider.class.getName()
              + "; implement it");
    }
    try {
      return (KubernetesClientProvider) ReflectionSupport.newInstance(type);
    } catch (RuntimeException e) {
      throw new ExtensionConfigurationException(
          "Could not create the cluster provider "
              + className
              + " named by "
              + origin
              + ": give it a public no-argument constructor ("
              + e
              + ")",
          e);
    }
  }
}
