package dev.previewenv.core.internal.provision;

import dev.previewenv.core.internal.DaemonThreads;
import dev.previewenv.core.internal.kube.Keys;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shortens a teardown by telling the namespace controller when a Terminating namespace's last pod
 * is gone. The controller deletes a namespace's contents in passes; a pass that finds pods still
 * terminating fails and is retried with a per-namespace exponential backoff (5 ms doubling, as the
 * controller's work queue rate-limits failures), so a namespace whose pods needed 21 s to go is
 * only looked at again at about 41 s, and one whose pods needed 42 s at about 82 s (measured on the
 * test cluster: {@code kubectl delete namespace --wait} took 16 to 83 s for the same stack). Any
 * change of the namespace object queues it again after the controller's fixed 5 s delay; so when
 * the informer here sees the namespace's last pod deleted, it writes the annotation {@link
 * #ANNOTATION} (a merge patch, nothing else changes), and the next pass, which then finds nothing
 * that still terminates, comes at most 5 s later.
 *
 * <p>Nothing depends on it: a refused or failed patch (no {@code patch namespaces} right, the
 * namespace gone already) is logged at debug level and the wait goes on as without it.
 */
final class RequeueWhenPodsGone implements AutoCloseable {
  /** The namespace annotation written once the last pod is gone; its value is the time. */
  static final String ANNOTATION = Keys.TEARDOWN_REQUEUE;

  private static final Logger log = LoggerFactory.getLogger(RequeueWhenPodsGone.class);

  private final KubernetesClient client;
  private final String namespace;
  private final AtomicBoolean sent = new AtomicBoolean();
  private final SharedIndexInformer<Pod> pods;
  // the patch is sent from a thread of its own: the informer's start future completes on the
  // HTTP client's event loop, which a blocking request there would stall
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(DaemonThreads.named("previewenv-teardown-requeue"));

  RequeueWhenPodsGone(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.pods = client.pods().inNamespace(namespace).runnableInformer(0);
    pods.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {}

          @Override
          public void onUpdate(Pod oldPod, Pod newPod) {}

          @Override
          public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
            if (pods.getStore().list().isEmpty()) {
              requeue("its last pod " + pod.getMetadata().getName() + " is gone");
            }
          }
        });
    pods.start()
        .whenCompleteAsync(
            (synced, error) -> {
              if (error == null && pods.getStore().list().isEmpty()) {
                requeue("it holds no pods");
              }
            },
            sender);
  }

  /** Whether the pods are listed and watched (for tests). */
  boolean watching() {
    return pods.hasSynced() && pods.isWatching();
  }

  /** Whether the annotation was written (for tests). */
  boolean sent() {
    return sent.get();
  }

  private void requeue(String why) {
    if (!sent.compareAndSet(false, true)) {
      return;
    }
    try {
      sender.execute(() -> send(why));
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // closed meanwhile: the wait is over
    }
  }

  private void send(String why) {
    try {
      client
          .namespaces()
          .withName(namespace)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\""
                  + ANNOTATION
                  + "\":\""
                  + Instant.now()
                  + "\"}}}");
      log.debug("Namespace {}: {}; asked the namespace controller to look again", namespace, why);
    } catch (RuntimeException e) {
      log.debug(
          "Namespace {}: {}, but it could not be annotated ({}); the namespace controller looks"
              + " again on its own schedule",
          namespace,
          why,
          e.toString());
    }
  }

  @Override
  public void close() {
    pods.close();
    sender.shutdownNow();
  }
}
