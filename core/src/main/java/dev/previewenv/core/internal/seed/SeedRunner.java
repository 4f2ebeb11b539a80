package dev.previewenv.core.internal.seed;

import dev.previewenv.core.NotReadyException;
import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.SeedFailedException;
import dev.previewenv.core.internal.SecretValues;
import dev.previewenv.core.internal.diagnostics.DiagnosticsWriter;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.provision.Namespaces;
import dev.previewenv.core.internal.provision.ObjectApplier;
import dev.previewenv.core.internal.readiness.ReadinessWaiter;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the seed phase of one {@code up}: which seeds run ({@link #toRun}), in which stages after
 * which workloads ({@link #stages}), and one stage's seeds ({@link #run}): an earlier Job of the
 * same name is deleted, the Jobs are applied and awaited, and their completion is recorded on the
 * namespace ({@link SeedDeclarations#SEEDED}). A failure becomes a {@link SeedFailedException} with
 * the failing container's last log lines and a diagnostics folder.
 */
public final class SeedRunner {
  private static final Logger log = LoggerFactory.getLogger(SeedRunner.class);

  /** Log lines of the failing container put into the exception. */
  public static final int LOG_LINES = 20;

  private final KubernetesClient client;
  private final Retry retry;
  private final ObjectApplier objects;
  private final Namespaces namespaces;
  private final SecretValues known;
  private final Path diagnosticsDir;
  private final Duration waitTimeout;
  private final Map<String, String> recorded;

  /**
   * @param recorded what the namespace recorded as seeded ({@code job -> hash}), updated as seeds
   *     complete
   */
  public SeedRunner(
      KubernetesClient client,
      Retry retry,
      ObjectApplier objects,
      Namespaces namespaces,
      SecretValues known,
      Path diagnosticsDir,
      Duration waitTimeout,
      Map<String, String> recorded) {
    this.client = client;
    this.retry = retry;
    this.objects = objects;
    this.namespaces = namespaces;
    this.known = known;
    this.diagnosticsDir = diagnosticsDir;
    this.waitTimeout = waitTimeout;
    this.recorded = new LinkedHashMap<>(recorded);
  }

  /** What the namespace annotation {@link SeedDeclarations#SEEDED} records, {@code job -> hash}. */
  public static Map<String, String> recorded(Namespace ns) {
    Map<String, String> result = new LinkedHashMap<>();
    Map<String, String> a = ns == null ? null : ns.getMetadata().getAnnotations();
    String value = a == null ? null : a.get(Keys.SEEDED);
    if (value != null) {
      for (String entry : value.split(",")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          result.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
      }
    }
    return result;
  }

  /**
   * The seeds that run: all with {@code reseed}, else those not recorded with their current hash
   * (the others are logged as skipped).
   */
  public List<HasMetadata> toRun(String env, List<HasMetadata> seeds, boolean reseed) {
    Set<String> current = new java.util.HashSet<>();
    seeds.forEach(s -> current.add(s.getMetadata().getName()));
    recorded.keySet().retainAll(current); // seeds that left the plan are no longer recorded
    List<HasMetadata> run = new ArrayList<>();
    for (HasMetadata seed : seeds) {
      String name = seed.getMetadata().getName();
      String hash = SeedDeclarations.hash(seed);
      if (!reseed && hash.equals(recorded.get(name))) {
        log.info(
            "Environment {}: seed Job/{} already ran with this spec ({}); not running it again"
                + " (a changed seed, or reseed, runs it again)",
            env,
            name,
            hash);
      } else {
        run.add(seed);
      }
    }
    return run;
  }

  /**
   * One stage of the seed phase: first wait until {@code awaitFirst} (workloads) are ready, with
   * the readiness checks when {@code withChecks}, then run {@code seeds}. An empty {@code seeds}
   * ends the phase: the rest of the environment is awaited.
   */
  public record Stage(List<HasMetadata> awaitFirst, boolean withChecks, List<HasMetadata> seeds) {
    public Stage {
      awaitFirst = List.copyOf(awaitFirst);
      seeds = List.copyOf(seeds);
    }
  }

  /**
   * The stages of {@code main} (the applied objects that are not seeds) and the seeds that run: one
   * per seed weight, ascending; each waits first for what its seeds depend on that no earlier stage
   * awaited (a seed without {@link SeedDeclarations#AFTER} depends on every workload and the
   * checks); a last stage without seeds waits for the rest.
   */
  public static List<Stage> stages(List<HasMetadata> main, List<HasMetadata> run) {
    TreeMap<Integer, List<HasMetadata>> byWeight = new TreeMap<>();
    for (HasMetadata seed : run) {
      byWeight.computeIfAbsent(SeedDeclarations.weight(seed), w -> new ArrayList<>()).add(seed);
    }
    List<Stage> stages = new ArrayList<>();
    Set<String> awaited = new LinkedHashSet<>();
    boolean checksDone = false;
    for (List<HasMetadata> group : byWeight.values()) {
      Set<String> deps = new LinkedHashSet<>();
      boolean all = false;
      for (HasMetadata seed : group) {
        Set<String> after = SeedDeclarations.after(seed);
        all |= after.isEmpty();
        deps.addAll(after);
      }
      List<HasMetadata> first = new ArrayList<>();
      for (HasMetadata o : main) {
        String key = o.getKind() + "/" + o.getMetadata().getName();
        if ((all || deps.contains(key)) && !awaited.contains(key)) {
          first.add(o);
          awaited.add(key);
        }
      }
      stages.add(new Stage(first, all && !checksDone, group));
      checksDone |= all;
    }
    List<HasMetadata> rest = new ArrayList<>();
    for (HasMetadata o : main) {
      if (!awaited.contains(o.getKind() + "/" + o.getMetadata().getName())) {
        rest.add(o);
      }
    }
    stages.add(new Stage(rest, !checksDone, List.of()));
    return stages;
  }

  /**
   * Runs one stage's seeds at once and waits until each completed (at most {@code timeout}), then
   * records them on the namespace.
   *
   * @throws SeedFailedException when a seed fails or does not complete in time
   */
  public void run(
      String env,
      String ns,
      List<HasMetadata> seeds,
      Duration timeout,
      ReadinessWaiter.Session session) {
    long started = System.nanoTime();
    List<String> names = seeds.stream().map(s -> "Job/" + s.getMetadata().getName()).toList();
    log.info("Environment {}: seeding, running {}", env, String.join(", ", names));
    for (HasMetadata seed : seeds) {
      removeEarlier(env, ns, seed.getMetadata().getName(), session);
    }
    objects.applyAll(env, seeds);
    try {
      session.await(seeds, List.of(), timeout);
    } catch (NotReadyException e) {
      throw failed(env, ns, seeds, e);
    }
    for (HasMetadata seed : seeds) {
      recorded.put(seed.getMetadata().getName(), SeedDeclarations.hash(seed));
    }
    Map<String, String> sorted = new TreeMap<>(recorded);
    StringBuilder value = new StringBuilder();
    sorted.forEach(
        (k, v) -> value.append(value.length() == 0 ? "" : ",").append(k).append('=').append(v));
    namespaces.recordAnnotation(ns, Keys.SEEDED, value.toString());
    log.info(
        "Environment {}: seeded ({}) in {} ms",
        env,
        String.join(", ", names),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /**
   * Deletes a Job of this name left by an earlier run (a Job's pod template cannot be changed, and
   * a completed Job does not run again) and waits until it is gone.
   */
  private void removeEarlier(String env, String ns, String name, ReadinessWaiter.Session session) {
    Retry.Op get = new Retry.Op("get", "batch", "jobs", ns, name);
    Job earlier =
        retry.call(get, () -> client.batch().v1().jobs().inNamespace(ns).withName(name).get());
    if (earlier == null) {
      return;
    }
    log.info("Environment {}: deleting Job/{} of an earlier run before seeding again", env, name);
    retry.run(
        new Retry.Op("delete", "batch", "jobs", ns, name),
        () ->
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(ns)
                .withName(name)
                .withPropagationPolicy(
                    io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
                .delete());
    // watched on the session's informers: the old Job is gone from the store before the new one
    // is created, so the wait never mistakes the old Job's state for the new one's
    if (!session.awaitJobGone(name, earlier.getMetadata().getUid(), waitTimeout)) {
      throw new PreviewEnvException(
          "Environment "
              + env
              + ": Job/"
              + name
              + " of an earlier run was deleted to seed again, but is still there after "
              + waitTimeout.toSeconds()
              + " s (finalizers?); delete it by hand (kubectl -n "
              + ns
              + " delete job "
              + name
              + ") and run up again",
          env,
          "Job/" + name,
          null);
    }
  }

  private SeedFailedException failed(
      String env, String ns, List<HasMetadata> seeds, NotReadyException e) {
    String job =
        e.object()
            .filter(o -> o.startsWith("Job/"))
            .orElse("Job/" + seeds.get(0).getMetadata().getName());
    String name = job.substring(4);
    List<String> lines = new ArrayList<>();
    String from = lastLog(ns, name, lines);
    String where;
    String diagnostics = null;
    try {
      Path summary = new DiagnosticsWriter(client, ns, diagnosticsDir, 200, known).write();
      diagnostics = diagnosticsDir.toAbsolutePath().toString();
      where = "Diagnostics: " + (summary == null ? diagnosticsDir : summary).toAbsolutePath();
    } catch (RuntimeException | Error diagnosticsFailure) {
      e.addSuppressed(diagnosticsFailure);
      where = "Diagnostics could not be written to " + diagnosticsDir.toAbsolutePath();
    }
    String nl = System.lineSeparator();
    StringBuilder message =
        new StringBuilder("Seed ")
            .append(job)
            .append(" of environment ")
            .append(env)
            .append(" did not complete, so up fails: ")
            .append(known.scrub(cause(env, ns, e.getMessage())));
    if (from != null) {
      message.append(nl).append("Last log lines of ").append(from).append(':');
      if (lines.isEmpty()) {
        message.append(" (none)");
      }
      for (String l : lines) {
        message.append(nl).append("    ").append(l);
      }
    }
    message
        .append(nl)
        .append(
            "The seed is recorded as done only once it completes, so the next up runs it again;"
                + " fix it (or what it depends on) and run up again.")
        .append(nl)
        .append(where);
    SeedFailedException failure =
        new SeedFailedException(message.toString(), env, job, lines, diagnostics);
    failure.setStackTrace(e.getStackTrace());
    for (Throwable s : e.getSuppressed()) {
      failure.addSuppressed(s);
    }
    return failure;
  }

  /** The readiness wait's message without its opening (which this message already says). */
  private static String cause(String env, String ns, String message) {
    String opening = "Environment " + env + " (namespace " + ns + ") will not become ready: ";
    String m = String.valueOf(message);
    return m.startsWith(opening) ? m.substring(opening.length()) : m;
  }

  /**
   * Adds the scrubbed last log lines of the Job's latest pod's failing container (else its first)
   * to {@code lines}; returns {@code pod P container C (...)}, or {@code null} when no pod or log
   * was found.
   */
  private String lastLog(String ns, String job, List<String> lines) {
    try {
      Job current = client.batch().v1().jobs().inNamespace(ns).withName(job).get();
      String uid = current == null ? null : current.getMetadata().getUid();
      List<Pod> pods =
          client.pods().inNamespace(ns).withLabel("job-name", job).list().getItems().stream()
              // a pod of the Job deleted before this run may not be collected yet
              .filter(
                  p ->
                      uid == null
                          || p.getMetadata().getOwnerReferences() == null
                          || p.getMetadata().getOwnerReferences().stream()
                              .anyMatch(r -> uid.equals(r.getUid())))
              .sorted(
                  Comparator.comparing(
                      (Pod p) ->
                          p.getMetadata().getCreationTimestamp() == null
                              ? ""
                              : p.getMetadata().getCreationTimestamp()))
              .toList();
      if (pods.isEmpty()) {
        return null;
      }
      Pod pod = pods.get(pods.size() - 1);
      List<ContainerStatus> statuses =
          pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
              ? List.of()
              : pod.getStatus().getContainerStatuses();
      String container = null;
      String state = "";
      for (ContainerStatus cs : statuses) {
        var terminated = cs.getState() == null ? null : cs.getState().getTerminated();
        if (terminated != null
            && terminated.getExitCode() != null
            && terminated.getExitCode() != 0) {
          container = cs.getName();
          state =
              ", exit code "
                  + terminated.getExitCode()
                  + (terminated.getReason() == null ? "" : ", " + terminated.getReason());
          break;
        }
      }
      if (container == null) {
        container = pod.getSpec().getContainers().get(0).getName();
      }
      String log =
          client
              .pods()
              .inNamespace(ns)
              .withName(pod.getMetadata().getName())
              .inContainer(container)
              .tailingLines(LOG_LINES)
              .getLog();
      if (log != null) {
        for (String l : log.split("\\r?\\n")) {
          if (!l.isBlank()) {
            lines.add(known.scrub(l));
          }
        }
      }
      while (lines.size() > LOG_LINES) {
        lines.remove(0);
      }
      return "pod " + pod.getMetadata().getName() + " container " + container + state;
    } catch (KubernetesClientException e) {
      log.debug("Log of seed Job/{} in {} not read: {}", job, ns, e.toString());
      return null;
    }
  }
}
