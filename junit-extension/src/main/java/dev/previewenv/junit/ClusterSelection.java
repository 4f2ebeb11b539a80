package dev.previewenv.junit;

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
    KubeconfigProvider kubeconfig = new KubeconfigProvider(home, SERVICE_ACCOUNT_TOKEN);
    if (kubeconfig.connection(settings::get).configured()) {
      return kubeconfig;
    }
    if (ReflectionSupport.tryToLoadClass(K3S_CLASS, loader).toOptional().isPresent()) {
      return new K3sProvider();
    }
    throw new ExtensionConfigurationException(
        noClusterMessage(
            "Testcontainers' k3s module is not on the test classpath: add"
                + " org.testcontainers:testcontainers-k3s"));
  }

  /**
   * The message when no cluster is available: one paragraph, the two ways that apply to a test run.
   *
   * @param k3sProblem why the embedded cluster cannot start, saying what to do
   */
  static String noClusterMessage(String k3sProblem) {
    String problem = k3sProblem.length() > 200 ? k3sProblem.substring(0, 200) + "..." : k3sProblem;
    return "PreviewEnv found no Kubernetes cluster (no "
        + PreviewEnvironment.KUBECONFIG
        + ", no KUBECONFIG, no ~/.kube/config, not in a pod). Either name a kubeconfig with -D"
        + PreviewEnvironment.KUBECONFIG
        + "=<file> (kind, k3d and minikube write ~/.kube/config), or make the embedded k3s"
        + " cluster possible: "
        + problem
        + " (image "
        + PreviewEnvironment.DEFAULT_K3S_IMAGE
        + " unless -D"
        + PreviewEnvironment.K3S_IMAGE
        + " names another).";
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
