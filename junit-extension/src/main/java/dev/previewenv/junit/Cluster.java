package dev.previewenv.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's cluster: a provider and the client it gave. Stored in the root store before it
 * connects, so whatever the provider started is stopped at the end of the run even when connecting
 * failed half-way. Thread-safe.
 */
final class Cluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Cluster.class);

  private final KubernetesClientProvider provider;
  private final Function<String, Optional<String>> settings;
  private KubernetesClient client;
  private RuntimeException failure;

  Cluster(KubernetesClientProvider provider, Function<String, Optional<String>> settings) {
    this.provider = provider;
    this.settings = settings;
  }

  /** The client, connecting on first use; a failed connection fails every later call alike. */
  synchronized KubernetesClient client() {
    if (client == null) {
      if (failure != null) {
        throw failure;
      }
      try {
        client = provider.connect(settings);
        if (client == null) {
          throw new IllegalStateException(
              provider.getClass().getName() + ".connect returned null; return a client");
        }
        log.info(
            "PreviewEnv uses the cluster at {} (provider {})",
            client.getMasterUrl(),
            provider.getClass().getSimpleName());
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
    return client;
  }

  /** Lets the provider make local images available to the cluster. */
  synchronized void loadImages(Collection<String> images) {
    if (!images.isEmpty()) {
      provider.loadImages(images);
    }
  }

  @Override
  public synchronized void close() throws Exception {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      provider.close();
    }
  }
}
