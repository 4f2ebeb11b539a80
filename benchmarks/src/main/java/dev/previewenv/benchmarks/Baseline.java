package dev.previewenv.benchmarks;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.time.Duration;
import java.util.List;

/**
 * What teams script today: a sequential create-or-replace loop over the objects, then polling the
 * Deployments every {@link #POLL} until all are ready; teardown deletes the namespace and polls
 * until it is gone.
 */
final class Baseline {
  /**
   * The poll interval of the baseline (kubectl rollout status polls once a second; we use less).
   */
  static final Duration POLL = Duration.ofMillis(500);

  private final KubernetesClient client;

  Baseline(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Creates the namespace, copies the secrets, creates or replaces every object in turn, then polls
   * until all Deployments are ready.
   *
   * @return {@link System#nanoTime()} when the last object was applied (before polling)
   */
  long up(String namespace, List<HasMetadata> objects) throws InterruptedException {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .createOr(NonDeletingOperation::update);
    for (String name : Stack.SECRETS) {
      Secret source = client.secrets().inNamespace(Stack.SECRET_NAMESPACE).withName(name).get();
      Secret copy =
          new SecretBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .endMetadata()
              .withType(source.getType())
              .withData(source.getData())
              .build();
      client.resource(copy).createOr(NonDeletingOperation::update);
    }
    for (HasMetadata o : objects) {
      o.getMetadata().setNamespace(namespace);
      client.resource(o).unlock().createOr(NonDeletingOperation::update);
    }
    long applied = System.nanoTime();
    while (!allReady(client, namespace, objects)) {
      Thread.sleep(POLL.toMillis());
    }
    return applied;
  }

  static boolean allReady(KubernetesClient client, String namespace, List<HasMetadata> objects) {
    for (HasMetadata o : objects) {
      if (o instanceof Deployment) {
        Deployment d =
            client
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName(o.getMetadata().getName())
                .get();
        if (d == null
            || d.getStatus() == null
            || d.getStatus().getReadyReplicas() == null
            || d.getStatus().getReadyReplicas() < d.getSpec().getReplicas()) {
          return false;
        }
      }
    }
    return true;
  }

  void down(String namespace) throws InterruptedException {
    client.namespaces().withName(namespace).delete();
    while (client.namespaces().withName(namespace).get() != null) {
      Thread.sleep(POLL.toMillis());
    }
  }
}
