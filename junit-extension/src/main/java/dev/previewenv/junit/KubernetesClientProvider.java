package dev.previewenv.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the cluster comes from. Name an implementation (public, with a public no-argument
 * constructor) in the setting {@link PreviewEnvironment#CLUSTER_PROVIDER} to replace the built-in
 * selection (kubeconfig or in-cluster service account, then embedded k3s).
 *
 * <p>The extension creates one provider per test run, calls {@link #connect} once, and at the end
 * of the run, after every environment is torn down, closes the client and then the provider.
 */
public interface KubernetesClientProvider extends AutoCloseable {

  /**
   * Connects to the cluster.
   *
   * @param settings the PreviewEnv settings by name (e.g. {@link PreviewEnvironment#KUBECONFIG}),
   *     with the precedence documented on {@link PreviewEnvironment}
   * @return a client the extension owns and closes at the end of the run
   */
  KubernetesClient connect(Function<String, Optional<String>> settings);

  /**
   * Makes images of the local Docker engine available to the cluster before an environment using
   * them is provisioned. Clusters that pull from registries do nothing (the default).
   *
   * @param images image references as they appear in the image overrides, e.g. {@code api:dev}
   */
  default void loadImages(Collection<String> images) {}

  /** Stops what {@link #connect} started; the default does nothing. */
  @Override
  default void close() {}
}
