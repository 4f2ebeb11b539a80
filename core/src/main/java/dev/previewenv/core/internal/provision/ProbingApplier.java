package dev.previewenv.core.internal.provision;

import dev.previewenv.core.internal.kube.Coordinates;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries server-side apply on the first object; when the server answers 415 (Unsupported Media Type,
 * as fabric8's in-process server does), uses create-or-update from then on. The choice is made once
 * per instance; concurrent first calls wait for it.
 */
final class ProbingApplier implements Applier {
  private static final Logger log = LoggerFactory.getLogger(ProbingApplier.class);
  private static final int UNSUPPORTED_MEDIA_TYPE = 415;
  private static final int NOT_FOUND = 404;

  private final ServerSideApplier serverSide;
  private final CreateOrUpdateApplier createOrUpdate;
  private volatile Applier chosen;

  ProbingApplier(KubernetesClient client, Retry retry) {
    this.serverSide = new ServerSideApplier(client, retry);
    this.createOrUpdate = new CreateOrUpdateApplier(client, retry);
  }

  @Override
  public HasMetadata apply(HasMetadata object) {
    Applier c = chosen;
    if (c != null) {
      return c.apply(object);
    }
    synchronized (this) {
      if (chosen != null) {
        return chosen.apply(object);
      }
      try {
        HasMetadata result = serverSide.apply(object);
        chosen = serverSide;
        log.debug("API server supports server-side apply; using it");
        return result;
      } catch (KubernetesClientException e) {
        if (e.getCode() == UNSUPPORTED_MEDIA_TYPE) {
          log.info(
              "API server answered 415 to server-side apply of {}; using create-or-update instead",
              Coordinates.describe(object));
          chosen = createOrUpdate;
          return createOrUpdate.apply(object);
        }
        if (e.getCode() != NOT_FOUND) {
          throw e;
        }
        // A real API server creates a missing object on apply; 404 means either a missing
        // namespace or type (then create fails too) or a server that cannot apply (create works).
        HasMetadata created = createOrUpdate.apply(object);
        log.info(
            "API server answered 404 to server-side apply of {} but accepted a create; using"
                + " create-or-update instead",
            Coordinates.describe(object));
        chosen = createOrUpdate;
        return created;
      }
    }
  }

  /** The applier chosen by the probe, or {@code null} before the first apply. */
  Applier chosen() {
    return chosen;
  }
}
