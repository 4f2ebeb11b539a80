package dev.previewenv.core.internal.provision;

import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

/**
 * Create, or replace when the object exists. For API servers without server-side apply (such as
 * fabric8's in-process test server); on a real cluster it overwrites fields set by controllers.
 * Retried as a whole: a create whose answer was lost meets 409 on the next try and updates.
 */
final class CreateOrUpdateApplier implements Applier {
  private final KubernetesClient client;
  private final Retry retry;

  CreateOrUpdateApplier(KubernetesClient client, Retry retry) {
    this.client = client;
    this.retry = retry;
  }

  @Override
  public HasMetadata apply(HasMetadata object) {
    // a create whose answer was lost is re-sent, meets 409 AlreadyExists and becomes an update
    return retry.call(
        Retry.Op.of("create", object),
        () -> client.resource(object).unlock().createOr(NonDeletingOperation::update));
  }
}
