package dev.previewenv.core.internal.provision;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Server-side apply with field manager {@code previewenv}, forcing conflicts: PreviewEnv owns the
 * fields it sets, fields set by controllers (e.g. an HPA's replicas) stay theirs.
 */
final class ServerSideApplier implements Applier {
  private final KubernetesClient client;

  ServerSideApplier(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public HasMetadata apply(HasMetadata object) {
    return client
        .resource(ApplyDefaults.withProtocolDefaults(object))
        .fieldManager(Meta.FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
  }
}
