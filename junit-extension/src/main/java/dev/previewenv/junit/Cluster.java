package dev.previewenv.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's cluster: a provider and the client it gave. Stored in the root store before it
 * connects, so whatever the provider started is stopped at the end of the run even when connecting
 * failed half-way. The provider is chosen and connected on first use only, so a run that never
 * needs a client (attach mode with every service URL given) needs no cluster. Thread-safe.
 */
final class Cluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Cluster.class);

  private final Supplier<KubernetesClientProvider> selection;
  private final Function<String, Optional<String>> settings;
  // guarded by this
  private KubernetesClientProvider provider;
  private KubernetesClient client;
  private RuntimeException failure;
  private String failedFor;

  /**
   * @param selection chooses the provider; called once, on the first {@link #client()}
   */
  Cluster(
      Supplier<KubernetesClientProvider> selection, Function<String, Optional<String>> settings) {
    this.selection = selection;
    this.settings = settings;
  }

  /** The client, connecting on first use; a failed connection fails every later call alike. */
  synchronized KubernetesClient client() {
    return client("this run");
  }

  /**
   * The client, connecting on first use for {@code who} (a test class, for messages). A failed
   * connection is thrown in full once; every later call gets a one-line {@link ReportedEarlier}.
   */
  synchronized KubernetesClient client(String who) {
    if (client == null) {
      if (failure != null) {
        throw new ReportedEarlier("No cluster", failedFor, failure);
      }
      try {
        provider = selection.get();
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
        failedFor = who;
        throw e;
      }
    }
    return client;
  }

  /** Lets the provider make local images available to the cluster. */
  synchronized void loadImages(Collection<String> images) {
    if (provider != null && !images.isEmpty()) {
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
      if (provider != null) {
        provider.close();
      }
    }
  }
}
