package dev.previewenv.core.internal.provision;

import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Server-side apply with field manager {@code previewenv}, forcing conflicts: PreviewEnv owns the
 * fields it sets, fields set by controllers (e.g. an HPA's replicas) stay theirs.
 */
final class ServerSideApplier implements Applier {
  private final KubernetesClient client;
  private final Retry retry;

  ServerSideApplier(KubernetesClient client, Retry retry) {
    this.client = client;
    this.retry = retry;
  }

  @Override
  public HasMetadata apply(HasMetadata object) {
    // an apply PATCH is idempotent: the same patch gives the same object
    HasMetadata withDefaults = ApplyDefaults.withProtocolDefaults(object);
    return retry.call(
        Retry.Op.of("patch", object),
        () ->
            client
                .resource(withDefaults)
                .fieldManager(Keys.FIELD_MANAGER)
                .forceConflicts()
                .serverSideApply());
  }
}
