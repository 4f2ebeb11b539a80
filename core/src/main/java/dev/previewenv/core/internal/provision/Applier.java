package dev.previewenv.core.internal.provision;

import dev.previewenv.core.ApplyStrategy;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Sends one object to the cluster so that it exists as given afterwards. Thread-safe. */
public interface Applier {

  /** Creates or updates {@code object} and returns the object as the server stored it. */
  HasMetadata apply(HasMetadata object);

  /** The applier for {@code strategy}; {@code AUTO} probes once, on the first apply. */
  static Applier of(ApplyStrategy strategy, KubernetesClient client) {
    return of(strategy, client, Retry.defaults());
  }

  /** The applier for {@code strategy}, retrying each request as {@code retry} allows. */
  static Applier of(ApplyStrategy strategy, KubernetesClient client, Retry retry) {
    return switch (strategy) {
      case SERVER_SIDE -> new ServerSideApplier(client, retry);
      case CREATE_OR_UPDATE -> new CreateOrUpdateApplier(client, retry);
      case AUTO -> new ProbingApplier(client, retry);
    };
  }
}
