package dev.previewenv.core.internal.readiness;

import dev.previewenv.core.NotReadyException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;

/**
 * Waits until applied workloads are ready, watch-based, failing fast on pod failures that will not
 * heal. (Interface agreed between the provisioner and the readiness work; body in progress.)
 */
public final class ReadinessWaiter {
  private final KubernetesClient client;

  public ReadinessWaiter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Blocks until every workload among {@code objects} in {@code namespace} is ready and every
   * custom check passes.
   *
   * @param checks custom readiness checks (may be empty)
   * @throws NotReadyException on a fail-fast pod state or when {@code timeout} passes
   */
  public void await(
      String environment,
      String namespace,
      List<HasMetadata> objects,
      List<dev.previewenv.core.ReadinessCheck> checks,
      Duration timeout) {
    throw new UnsupportedOperationException("not built yet: " + client + environment + namespace);
  }
}
