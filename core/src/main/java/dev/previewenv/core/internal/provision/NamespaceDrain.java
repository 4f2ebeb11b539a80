package dev.previewenv.core.internal.provision;

import dev.previewenv.core.internal.DaemonThreads;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.kube.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shortens the wait for a Terminating namespace, which on a real cluster is mostly the wait for its
 * pods. Three steps, none of which anything depends on:
 *
 * <ol>
 *   <li><b>Stop the pods at once</b> ({@code drainPods}): one delete of the namespace's pod
 *       collection, with each pod's own grace period, as the namespace controller's first pass
 *       would send it; that pass comes only 5 s after the namespace's deletion (the controller's
 *       fixed delay). The namespace is Terminating, so no controller can create new pods.
 *   <li><b>Remove the pods the kubelet has stopped.</b> The kubelet removes a pod's object only on
 *       its status schedule, on the test cluster 5 to 70 s after the containers had stopped. A pod
 *       that {@link Pods#stopped} says has nothing running (its kubelet's own report) is deleted
 *       with no grace period, which skips no shutdown: it only removes the object. A pod whose
 *       containers still run is left to its grace period.
 *   <li><b>Tell the namespace controller when the last pod is gone.</b> The controller retries a
 *       namespace whose pods still terminate with a per-namespace exponential backoff (5 ms
 *       doubling, as its work queue rate-limits failures), so a namespace whose pods needed 21 s to
 *       go is only looked at again at about 41 s, and one whose pods needed 42 s at about 82 s. Any
 *       change of the namespace object queues it again after the controller's fixed 5 s delay; so
 *       when the informer here sees the last pod deleted, it writes the annotation {@link
 *       #ANNOTATION} (a merge patch, nothing else changes).
 * </ol>
 *
 * <p>A refused or failed request (no {@code deletecollection}/{@code delete} right on pods, no
 * {@code patch namespaces} right, the namespace gone already) is logged and the wait goes on as
 * without it.
 */
final class NamespaceDrain implements AutoCloseable {
  /** The namespace annotation written once the last pod is gone; its value is the time. */
  static final String ANNOTATION = Keys.TEARDOWN_REQUEUE;

  private static final Logger log = LoggerFactory.getLogger(NamespaceDrain.class);

  private final KubernetesClient client;
  private final String namespace;
  private final AtomicBoolean sent = new AtomicBoolean();
  private final AtomicBoolean refused = new AtomicBoolean();
  private final Set<String> removed = ConcurrentHashMap.newKeySet();
  private final SharedIndexInformer<Pod> pods;
  // requests are sent from a thread of their own: the informer's callbacks and its start future
  // run on the HTTP client's event loop, which a blocking request there would stall
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(DaemonThreads.named("previewenv-teardown-drain"));

  /**
   * Starts watching the namespace's pods.
   *
   * @param drainPods whether to ask for every pod's deletion at once and remove the pods their
   *     kubelet has stopped; only for a namespace whose deletion was accepted (Terminating)
   */
  NamespaceDrain(KubernetesClient client, String namespace, boolean drainPods) {
    this.client = client;
    this.namespace = namespace;
    this.pods = client.pods().inNamespace(namespace).runnableInformer(0);
    pods.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            if (drainPods) {
              removeIfStopped(pod);
            }
          }

          @Override
          public void onUpdate(Pod oldPod, Pod newPod) {
            if (drainPods) {
              removeIfStopped(newPod);
            }
          }

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
              if (error != null) {
                return;
              }
              if (pods.getStore().list().isEmpty()) {
                requeue("it holds no pods");
              } else if (drainPods) {
                deletePods(); // once listed and watched, so that no deletion goes unseen
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

  /** The pods removed once their kubelet had stopped them (for tests). */
  Set<String> removed() {
    return Set.copyOf(removed);
  }

  private void deletePods() {
    try {
      client.pods().inNamespace(namespace).delete();
      log.debug("Namespace {}: asked for the deletion of its pods", namespace);
    } catch (KubernetesClientException e) {
      refusedOnce("delete its pods", e);
    }
  }

  private void removeIfStopped(Pod pod) {
    if (!Pods.stopped(pod) || refused.get() || !removed.add(pod.getMetadata().getName())) {
      return;
    }
    submit(
        () -> {
          try {
            client
                .pods()
                .inNamespace(namespace)
                .withName(pod.getMetadata().getName())
                .withGracePeriod(0)
                .delete();
            log.debug(
                "Namespace {}: removed pod {}, whose kubelet had stopped it",
                namespace,
                pod.getMetadata().getName());
          } catch (KubernetesClientException e) {
            refusedOnce("remove its stopped pods", e);
          }
        });
  }

  private void refusedOnce(String what, KubernetesClientException e) {
    if (e.getCode() == 403 && refused.compareAndSet(false, true)) {
      log.info(
          "Namespace {}: not allowed to {} ({}); the teardown waits for the kubelet and the"
              + " namespace controller instead. Grant delete and deletecollection on pods"
              + " (ClusterRole previewenv-environment) for faster teardowns.",
          namespace,
          what,
          e.getCode());
    } else {
      log.debug("Namespace {}: could not {} ({})", namespace, what, e.toString());
    }
  }

  private void requeue(String why) {
    if (sent.compareAndSet(false, true)) {
      submit(() -> send(why));
    }
  }

  private void submit(Runnable request) {
    try {
      sender.execute(request);
    } catch (RejectedExecutionException closed) {
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
