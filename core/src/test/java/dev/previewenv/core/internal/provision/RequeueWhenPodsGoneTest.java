package dev.previewenv.core.internal.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.previewenv.core.testing.InProcessCluster;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Teardown's hint to the namespace controller: the namespace is annotated once its last pod is gone
 * (and not before), or at once when it holds none; a namespace that cannot be annotated changes
 * nothing.
 */
@InProcessCluster(simulator = false)
class RequeueWhenPodsGoneTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static void namespace(KubernetesClient client, String name) {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  private static Pod pod(KubernetesClient client, String ns, String name) {
    return client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("app:1")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private static String annotation(KubernetesClient client, String ns) {
    Namespace n = client.namespaces().withName(ns).get();
    Map<String, String> a = n.getMetadata().getAnnotations();
    return a == null ? null : a.get(RequeueWhenPodsGone.ANNOTATION);
  }

  @Test
  void annotatesTheNamespaceWhenItsLastPodIsDeletedAndNotBefore(KubernetesClient client) {
    namespace(client, "requeue-a");
    pod(client, "requeue-a", "web-1");
    pod(client, "requeue-a", "web-2");
    try (RequeueWhenPodsGone requeue = new RequeueWhenPodsGone(client, "requeue-a")) {
      // (the in-process server does not replay a deletion between the list and the watch)
      await("the pods watched").atMost(WAIT).until(requeue::watching);
      client.pods().inNamespace("requeue-a").withName("web-1").delete();
      // the informer has seen the first deletion (and still holds web-2): no hint yet
      await("web-1 gone from the informer")
          .atMost(WAIT)
          .until(() -> client.pods().inNamespace("requeue-a").list().getItems().size() == 1);
      assertThat(requeue.sent()).isFalse();
      assertThat(annotation(client, "requeue-a")).isNull();

      client.pods().inNamespace("requeue-a").withName("web-2").delete();
      String at =
          await("the namespace annotated")
              .atMost(WAIT)
              .until(() -> annotation(client, "requeue-a"), a -> a != null);
      assertThat(at).as("an instant").matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      assertThat(requeue.sent()).isTrue();
    }
  }

  @Test
  void annotatesANamespaceWithoutPodsAtOnce(KubernetesClient client) {
    namespace(client, "requeue-b");
    try (RequeueWhenPodsGone requeue = new RequeueWhenPodsGone(client, "requeue-b")) {
      assertThat(requeue).isNotNull();
      await("the namespace annotated")
          .atMost(WAIT)
          .until(() -> annotation(client, "requeue-b"), a -> a != null);
    }
  }

  @Test
  void aNamespaceThatIsGoneAlreadyIsNoError(KubernetesClient client) {
    assertThatCode(
            () -> {
              try (RequeueWhenPodsGone requeue = new RequeueWhenPodsGone(client, "requeue-gone")) {
                await("the attempt made")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(requeue::sent);
              }
            })
        .doesNotThrowAnyException();
    assertThat(client.namespaces().withName("requeue-gone").get()).isNull();
  }
}
