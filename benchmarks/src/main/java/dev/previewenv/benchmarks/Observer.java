package dev.previewenv.benchmarks;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An independent watch (its own undelayed client) on one run's namespace and objects: when the
 * namespace appeared, when the last object of the stack was created, when every Deployment was
 * available, and when the namespace was gone. Times are nanoTime stamps; 0 = not seen.
 */
final class Observer implements AutoCloseable {
  private final Set<String> expected;
  private final Set<String> seen = new HashSet<>();
  private final Set<String> deployments;
  private final Set<String> available = new HashSet<>();
  private final List<Watch> watches = new ArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch gone = new CountDownLatch(1);
  volatile long namespaceAt;
  volatile long objectsAt;
  volatile long readyAt;
  volatile long goneAt;
  private volatile boolean deleting;
  private final Set<String> pods = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final KubernetesClient client;
  private final String namespace;

  Observer(KubernetesClient client, String namespace, int services) {
    this.client = client;
    this.namespace = namespace;
    this.expected = new HashSet<>(RealStack.names(services));
    this.deployments = new HashSet<>(RealStack.deployments(services));
    watches.add(
        client
            .namespaces()
            .withName(namespace)
            .watch(
                watcher(
                    (action, ns) -> {
                      if (action == Watcher.Action.ADDED && namespaceAt == 0) {
                        namespaceAt = System.nanoTime();
                      }
                      if (ns.getMetadata().getDeletionTimestamp() != null) {
                        deleting = true;
                      }
                      if (action == Watcher.Action.DELETED) {
                        goneAt = System.nanoTime();
                        gone.countDown();
                      }
                    })));
    watches.add(
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                watcher(
                    (action, pod) -> {
                      if (action == Watcher.Action.DELETED) {
                        pods.remove(pod.getMetadata().getName());
                      } else {
                        pods.add(pod.getMetadata().getName());
                      }
                    })));
    watches.add(client.configMaps().inNamespace(namespace).watch(created()));
    watches.add(client.services().inNamespace(namespace).watch(created()));
    watches.add(client.secrets().inNamespace(namespace).watch(created()));
    watches.add(client.network().v1().ingresses().inNamespace(namespace).watch(created()));
    watches.add(
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .watch(
                watcher(
                    (action, d) -> {
                      created(action, d);
                      Deployment dep = (Deployment) d;
                      Integer n =
                          dep.getStatus() == null ? null : dep.getStatus().getAvailableReplicas();
                      synchronized (this) {
                        if (n != null
                            && n >= 1
                            && deployments.contains(dep.getMetadata().getName())) {
                          available.add(dep.getMetadata().getName());
                          if (available.size() == deployments.size() && readyAt == 0) {
                            readyAt = System.nanoTime();
                            ready.countDown();
                          }
                        }
                      }
                    })));
  }

  private interface Handler {
    void on(Watcher.Action action, HasMetadata object);
  }

  private <T extends HasMetadata> Watcher<T> watcher(Handler handler) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        handler.on(action, resource);
      }

      @Override
      public void onClose(WatcherException cause) {
        // closed at the end of the run
      }
    };
  }

  private <T extends HasMetadata> Watcher<T> created() {
    return watcher(this::created);
  }

  private synchronized void created(Watcher.Action action, HasMetadata o) {
    if (action != Watcher.Action.ADDED) {
      return;
    }
    if (o instanceof Namespace) {
      return;
    }
    if (expected.contains(o.getKind() + "/" + o.getMetadata().getName())) {
      seen.add(o.getKind() + "/" + o.getMetadata().getName());
      if (seen.size() == expected.size() && objectsAt == 0) {
        objectsAt = System.nanoTime();
      }
    }
  }

  boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Waits until the namespace is being deleted and none of its pods is left (or it is gone): the
   * node's part of a teardown is over; what may remain is the namespace controller's own schedule.
   */
  boolean awaitPodsGone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (gone.getCount() == 0 || (deleting && pods.isEmpty())) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(50);
      checkGone(); // a watch that missed the deletion (it happens) must not hang the run
    }
    return false;
  }

  boolean awaitGone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (gone.await(1, TimeUnit.SECONDS)) {
        return true;
      }
      checkGone();
    }
    return gone.getCount() == 0;
  }

  private long lastCheck;

  /**
   * Reads the namespace once a second at most: gone, though the watch did not say so, counts as
   * gone from now (so a missed event costs the figure at most that second).
   */
  private synchronized void checkGone() {
    long now = System.nanoTime();
    if (now - lastCheck < 1_000_000_000L) {
      return;
    }
    lastCheck = now;
    if (client.namespaces().withName(namespace).get() == null && gone.getCount() > 0) {
      if (goneAt == 0) {
        goneAt = System.nanoTime();
      }
      gone.countDown();
    }
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
  }
}
