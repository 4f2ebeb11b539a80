package dev.previewenv.core.internal.provision;

import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.internal.DaemonThreads;
import dev.previewenv.core.internal.Tasks;
import dev.previewenv.core.internal.kube.Coordinates;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a plan's objects concurrently (at most {@code concurrency} requests at a time) in three
 * waves, each finished before the next starts: (1) cluster-wide definitions (CRDs, priority and
 * storage classes); (2) configuration the workloads refer to (service accounts, RBAC, config maps,
 * secrets, volume claims, services, policies); (3) everything else (workloads, ingresses, custom
 * resources). Then prunes objects of the environment that left the plan.
 */
public final class ObjectApplier {
  private static final Logger log = LoggerFactory.getLogger(ObjectApplier.class);

  private static final Set<String> FIRST_WAVE =
      Set.of("CustomResourceDefinition", "PriorityClass", "StorageClass", "IngressClass");
  private static final Set<String> SECOND_WAVE =
      Set.of(
          "ServiceAccount",
          "Role",
          "RoleBinding",
          "ClusterRole",
          "ClusterRoleBinding",
          "ConfigMap",
          "Secret",
          "PersistentVolume",
          "PersistentVolumeClaim",
          "Service",
          "Endpoints",
          "NetworkPolicy",
          "ResourceQuota",
          "LimitRange",
          "PodDisruptionBudget");

  private final KubernetesClient client;
  private final Applier applier;
  private final int concurrency;
  private final Retry retry;

  public ObjectApplier(KubernetesClient client, Applier applier, int concurrency) {
    this(client, applier, concurrency, Retry.defaults());
  }

  /** An applier whose prune requests are retried as {@code retry} allows. */
  public ObjectApplier(KubernetesClient client, Applier applier, int concurrency, Retry retry) {
    this.client = client;
    this.applier = applier;
    this.concurrency = concurrency;
    this.retry = retry;
  }

  /** {@code apiVersion/Kind}, the form recorded in {@code previewenv.dev/applied-kinds}. */
  public static String kindKey(HasMetadata o) {
    return o.getApiVersion() + "/" + o.getKind();
  }

  /** The kinds of the namespaced objects among {@code objects}, as {@code apiVersion/Kind}. */
  public static Set<String> namespacedKinds(List<HasMetadata> objects) {
    Set<String> kinds = new TreeSet<>();
    for (HasMetadata o : objects) {
      if (o.getMetadata().getNamespace() != null) {
        kinds.add(kindKey(o));
      }
    }
    return kinds;
  }

  static int wave(HasMetadata o) {
    if (FIRST_WAVE.contains(o.getKind())) {
      return 0;
    }
    return SECOND_WAVE.contains(o.getKind()) ? 1 : 2;
  }

  /**
   * Applies every object, wave by wave, and returns them as stored by the server, in the order
   * given.
   *
   * @throws PreviewEnvException naming every object that failed (later waves are not started)
   */
  public List<HasMetadata> applyAll(String environment, List<HasMetadata> objects) {
    return applyAll(environment, objects, List.of());
  }

  /**
   * Like {@link #applyAll(String, List)}, running {@code withConfiguration} (e.g. copying secrets)
   * concurrently with the configuration wave: they end before the workloads are applied, and the
   * first of their failures is rethrown as it was thrown.
   */
  public List<HasMetadata> applyAll(
      String environment, List<HasMetadata> objects, List<Callable<?>> withConfiguration) {
    HasMetadata[] result = new HasMetadata[objects.size()];
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, threads(environment));
    try {
      for (int w = 0; w < 3; w++) {
        List<Future<?>> alongside = new ArrayList<>();
        if (w == 1) {
          for (Callable<?> task : withConfiguration) {
            alongside.add(pool.submit(task));
          }
        }
        List<Integer> indexes = new ArrayList<>();
        List<Future<HasMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
          HasMetadata o = objects.get(i);
          if (wave(o) == w) {
            indexes.add(i);
            futures.add(pool.submit(() -> applier.apply(o)));
          }
        }
        List<String> failures = new ArrayList<>();
        Throwable first = null;
        HasMetadata firstFailed = null;
        for (int k = 0; k < futures.size(); k++) {
          HasMetadata o = objects.get(indexes.get(k));
          try {
            result[indexes.get(k)] = futures.get(k).get();
          } catch (ExecutionException e) {
            if (first == null) {
              first = Tasks.cause(e);
              firstFailed = o;
            }
            failures.add(Coordinates.describe(o) + ": " + reason(o, Tasks.cause(e)));
          } catch (InterruptedException e) {
            throw Tasks.interrupted("applying objects of environment " + environment, e);
          }
        }
        Throwable sideFailure = null;
        for (Future<?> f : alongside) {
          try {
            f.get();
          } catch (ExecutionException e) {
            if (sideFailure == null) {
              sideFailure = Tasks.cause(e);
            }
          } catch (InterruptedException e) {
            throw Tasks.interrupted("applying objects of environment " + environment, e);
          }
        }
        if (sideFailure instanceof RuntimeException r) {
          throw r;
        }
        if (sideFailure instanceof Error err) {
          throw err;
        }
        if (sideFailure != null) {
          throw new PreviewEnvException(
              "Could not prepare environment " + environment + ": " + sideFailure, sideFailure);
        }
        if (!failures.isEmpty()) {
          throw new PreviewEnvException(
              "Could not apply "
                  + failures.size()
                  + " object(s) of environment "
                  + environment
                  + ": "
                  + String.join("; ", failures)
                  + ". Fix the manifests or the client's RBAC rights and run again",
              environment,
              failures.size() == 1 && firstFailed != null
                  ? Coordinates.describe(firstFailed)
                  : null,
              failures.size() == 1 ? first : null);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    log.info("Applied {} object(s) to environment {}", objects.size(), environment);
    return List.of(result);
  }

  /**
   * Deletes objects labelled for {@code environment} in {@code namespace}, of the given kinds, that
   * are not among {@code keep}; secrets copied in by PreviewEnv stay.
   *
   * @return the pruned objects as {@code Kind/name}
   */
  public List<String> prune(
      String environment, String namespace, Set<String> kinds, List<HasMetadata> keep) {
    Set<String> wanted = new HashSet<>();
    for (HasMetadata o : keep) {
      wanted.add(o.getKind() + "/" + o.getMetadata().getName());
    }
    List<Callable<List<GenericKubernetesResource>>> lists = new ArrayList<>();
    for (String kind : kinds) {
      int slash = kind.lastIndexOf('/');
      if (slash <= 0) {
        continue;
      }
      String apiVersion = kind.substring(0, slash);
      String k = kind.substring(slash + 1);
      lists.add(
          () ->
              retry.call(
                  new Retry.Op(
                      "list",
                      Coordinates.group(apiVersion),
                      Coordinates.plural(k),
                      namespace,
                      null),
                  () ->
                      client
                          .genericKubernetesResources(apiVersion, k)
                          .inNamespace(namespace)
                          .withLabels(Keys.labels(environment))
                          .list()
                          .getItems()));
    }
    // every kind is listed at once: one round trip however many kinds the plan has
    List<List<GenericKubernetesResource>> found =
        Tasks.all("previewenv-prune-" + environment, concurrency, lists);
    List<GenericKubernetesResource> doomed = new ArrayList<>();
    for (List<GenericKubernetesResource> items : found) {
      for (GenericKubernetesResource r : items) {
        Map<String, String> annotations = r.getMetadata().getAnnotations();
        boolean copied = annotations != null && annotations.containsKey(Keys.COPIED_FROM);
        if (!copied && !wanted.contains(Coordinates.kindName(r))) {
          doomed.add(r);
        }
      }
    }
    List<Callable<String>> deletes = new ArrayList<>();
    for (GenericKubernetesResource r : doomed) {
      // deleting a known object again is harmless: a lost answer is retried, 404 means done
      deletes.add(
          () -> {
            retry.run(Retry.Op.of("delete", r), () -> client.resource(r).delete());
            return Coordinates.kindName(r);
          });
    }
    List<String> pruned =
        new ArrayList<>(Tasks.all("previewenv-prune-" + environment, concurrency, deletes));
    if (!pruned.isEmpty()) {
      log.info(
          "Pruned {} object(s) that left the plan of environment {}: {}",
          pruned.size(),
          environment,
          pruned);
    }
    return pruned;
  }

  private static String reason(HasMetadata o, Throwable t) {
    if (t instanceof KubernetesClientException k) {
      if ("Secret".equals(o.getKind())) {
        // the server's message could quote a value; report the status only
        return "HTTP "
            + k.getCode()
            + (k.getStatus() == null ? "" : " " + k.getStatus().getReason());
      }
      return "HTTP "
          + k.getCode()
          + " "
          + (k.getStatus() != null && k.getStatus().getMessage() != null
              ? k.getStatus().getMessage()
              : k.getMessage());
    }
    return t.toString();
  }

  private static ThreadFactory threads(String environment) {
    return DaemonThreads.numbered("previewenv-apply-" + environment);
  }
}
