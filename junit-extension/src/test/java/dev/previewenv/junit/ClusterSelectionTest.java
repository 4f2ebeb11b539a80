package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.ClusterUnavailableException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;

class ClusterSelectionTest {
  @TempDir Path home;
  final Map<String, String> parameters = new HashMap<>();
  final Map<String, String> variables = new HashMap<>();

  Settings settings() {
    return new Settings(k -> Optional.ofNullable(parameters.get(k)), k -> null, variables::get);
  }

  /** A provider named in configuration, as EngineTestKit tests or users plug one in. */
  public static class FixedProvider implements KubernetesClientProvider {
    @Override
    public KubernetesClient connect(Function<String, Optional<String>> settings) {
      return new KubernetesClientBuilder().build();
    }
  }

  /** Connects to the test server named by the setting {@code test.server}; counts closes. */
  public static class TestServerProvider implements KubernetesClientProvider {
    @Override
    public KubernetesClient connect(Function<String, Optional<String>> settings) {
      return new KubernetesClientBuilder()
          .withConfig(
              new io.fabric8.kubernetes.client.ConfigBuilder()
                  .withMasterUrl(settings.apply("test.server").orElseThrow())
                  .build())
          .build();
    }
  }

  @Test
  void extensionProvisionsThroughAProviderNamedInConfiguration(@TempDir Path dir) {
    try (TestCluster cluster = new TestCluster(dir)) {
      var results =
          cluster
              .request(InjectionTest.InjectsEverything.class)
              .configurationParameter(
                  PreviewEnvironment.KUBECONFIG, dir.resolve("absent").toString())
              .configurationParameter(
                  PreviewEnvironment.CLUSTER_PROVIDER, TestServerProvider.class.getName())
              .configurationParameter("test.server", cluster.client().getMasterUrl().toString())
              .execute();
      results.testEvents().assertStatistics(s -> s.succeeded(2));
      assertThat(LifecycleTest.entries(results))
          .anySatisfy(e -> assertThat(e).containsEntry("clientSeesNamespace", "true"));
    }
  }

  @Test
  void usesTheProviderNamedInConfiguration() {
    parameters.put(PreviewEnvironment.CLUSTER_PROVIDER, FixedProvider.class.getName());
    assertThat(ClusterSelection.select(settings(), home, getClass().getClassLoader()))
        .isInstanceOf(FixedProvider.class);
  }

  @Test
  void refusesAClassThatIsNoProvider() {
    parameters.put(PreviewEnvironment.CLUSTER_PROVIDER, String.class.getName());
    assertThatThrownBy(() -> ClusterSelection.select(settings(), home, getClass().getClassLoader()))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining(
            "configuration parameter previewenv.cluster.provider names java.lang.String")
        .hasMessageContaining("does not implement dev.previewenv.junit.KubernetesClientProvider");
  }

  @Test
  void refusesAMissingClass() {
    variables.put("PREVIEWENV_CLUSTER_PROVIDER", "com.example.Nope");
    assertThatThrownBy(() -> ClusterSelection.select(settings(), home, getClass().getClassLoader()))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining(
            "environment variable PREVIEWENV_CLUSTER_PROVIDER names the class com.example.Nope");
  }

  @Test
  void prefersAKubeconfigInTheHomeDirectory() throws Exception {
    Files.createDirectories(home.resolve(".kube"));
    Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\nkind: Config\n");
    assertThat(ClusterSelection.select(settings(), home, getClass().getClassLoader()))
        .isInstanceOf(KubeconfigProvider.class);
  }

  @Test
  void fallsBackToK3sWhenTestcontainersIsPresentAndNoKubeconfigExists() {
    assertThat(ClusterSelection.select(settings(), home, getClass().getClassLoader()))
        .isInstanceOf(K3sProvider.class);
  }

  @Test
  void withoutAnyClusterTheMessageIsOneParagraphWithTheTwoWaysThatApply() {
    ClassLoader withoutTestcontainers =
        new ClassLoader(null) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.testcontainers")) {
              throw new ClassNotFoundException(name);
            }
            return ClusterSelectionTest.class.getClassLoader().loadClass(name);
          }
        };
    assertThatThrownBy(() -> ClusterSelection.select(settings(), home, withoutTestcontainers))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessage(
            "PreviewEnv found no Kubernetes cluster (no previewenv.kubeconfig, no KUBECONFIG, no"
                + " ~/.kube/config, not in a pod). Either name a kubeconfig with"
                + " -Dpreviewenv.kubeconfig=<file> (kind, k3d and minikube write ~/.kube/config),"
                + " or make the embedded k3s cluster possible: Testcontainers' k3s module is not"
                + " on the test classpath: add org.testcontainers:testcontainers-k3s (image"
                + " rancher/k3s:v1.31.4-k3s1 unless -Dpreviewenv.k3s.image names another).")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PREVIEWENV_IT_KUBECONFIG"));
  }

  @Test
  void kubeconfigProviderRefusesAMissingFile() {
    parameters.put(PreviewEnvironment.KUBECONFIG, home.resolve("missing").toString());
    assertThatThrownBy(() -> new KubeconfigProvider().connect(settings()::get))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining("(from -Dpreviewenv.kubeconfig) does not exist");
  }

  @Test
  void aKubeconfigVariableNamingAMissingFileIsReportedInsteadOfFallingBack() {
    variables.put("KUBECONFIG", home.resolve("typo").toString());
    KubernetesClientProvider p =
        ClusterSelection.select(settings(), home, getClass().getClassLoader());
    assertThat(p).isInstanceOf(KubeconfigProvider.class);
    assertThatThrownBy(() -> p.connect(settings()::get))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageStartingWith(
            "The kubeconfig " + home.resolve("typo") + " (from KUBECONFIG) does not exist.");
  }
}
