package dev.previewenv.core.internal.provision;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

/**
 * Create, or replace when the object exists. For API servers without server-side apply (such as
 * fabric8's in-process test server); on a real cluster it overwrites fields set by controllers.
 */
final class CreateOrUpdateApplier implements Applier {
  private final KubernetesClient client;

  CreateOrUpdateApplier(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public HasMetadata apply(HasMetadata object) {
    return client.resource(object).unlock().createOr(NonDeletingOperation::update);
  }
}
