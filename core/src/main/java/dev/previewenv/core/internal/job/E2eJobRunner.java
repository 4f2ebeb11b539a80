package dev.previewenv.core.internal.job;

import dev.previewenv.core.E2eResult;
import dev.previewenv.core.E2eResult.Cause;
import dev.previewenv.core.E2eResult.Outcome;
import dev.previewenv.core.E2eResult.Status;
import dev.previewenv.core.E2eResult.TestCase;
import dev.previewenv.core.E2eResults;
import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.internal.DaemonThreads;
import dev.previewenv.core.internal.SecretValues;
import dev.previewenv.core.internal.Tasks;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.kube.PodText;
import dev.previewenv.protocol.RunEnd;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an {@code E2eJob}: creates the objects, watches the Job and its pods through informers
 * (list + watch, no polling), streams the log, and turns what it saw into an {@link E2eResult}.
 */
public final class E2eJobRunner {
  private static final Logger log = LoggerFactory.getLogger(E2eJobRunner.class);
  private static final int TAIL_LINES = 200;
  private static final Duration LOG_DRAIN = Duration.ofSeconds(30);
  private static final String SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  private final E2eRunSpec spec;
  private final KubernetesClient client;
  private final String namespace;
  private final LogLines lines;
  private final SecretValues secrets;
  private final boolean deriveServiceUrls;
  private final String jobName;
  private final List<String> notes = new ArrayList<>();
  private boolean deleteJob;

  public E2eJobRunner(
      E2eRunSpec spec,
      KubernetesClient client,
      String namespace,
      Consumer<String> logLines,
      boolean deriveServiceUrls) {
    this(spec, client, namespace, logLines, deriveServiceUrls, null);
  }

  /**
   * @param secrets the secret values to scrub from the log stream, the reports and the result;
   *     {@code null}: those of the namespace's Secrets, where this client may list them
   */
  public E2eJobRunner(
      E2eRunSpec spec,
      KubernetesClient client,
      String namespace,
      Consumer<String> logLines,
      boolean deriveServiceUrls,
      SecretValues secrets) {
    this.spec = spec;
    this.client = client;
    this.namespace = namespace;
    this.secrets = secrets != null ? secrets : namespaceSecrets(client, namespace);
    this.lines = new LogLines(logLines == null ? l -> {} : logLines, TAIL_LINES, this.secrets);
    this.deriveServiceUrls = deriveServiceUrls;
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(
          SUFFIX_CHARS.charAt(ThreadLocalRandom.current().nextInt(SUFFIX_CHARS.length())));
    }
    this.jobName = spec.namePrefix() + "-" + suffix;
  }

  /** The environment variables of the suite's container, in order. */
  private static SecretValues namespaceSecrets(KubernetesClient client, String namespace) {
    try {
      return SecretValues.of(client.secrets().inNamespace(namespace).list().getItems());
    } catch (RuntimeException e) {
      log.debug(
          "E2E runner may not list Secrets in {} ({}); only known values are scrubbed",
          namespace,
          e.getMessage());
      return SecretValues.none();
    }
  }

  public static Map<String, String> environment(
      E2eRunSpec spec, String namespace, Map<String, String> derivedUrls) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(E2eRunSpec.ENV_NAMESPACE, namespace);
    Map<String, String> urls = new LinkedHashMap<>(derivedUrls);
    spec.serviceUrls().forEach((s, u) -> urls.put(s, u.toString()));
    urls.forEach((s, u) -> env.put(E2eRunSpec.serviceEnvName(s), u));
    spec.select().ifPresent(v -> env.put(E2eRunSpec.ENV_SELECT, v));
    spec.includeTags().ifPresent(v -> env.put(E2eRunSpec.ENV_INCLUDE_TAGS, v));
    spec.excludeTags().ifPresent(v -> env.put(E2eRunSpec.ENV_EXCLUDE_TAGS, v));
    env.putAll(spec.env());
    return env;
  }

  public E2eResult run() {
    String[] why = {"not read"};
    Optional<ServerVersion> version = ServerVersion.of(client, why);
    Map<String, String> env =
        environment(spec, namespace, deriveServiceUrls ? clusterIpUrls() : Map.of());
    JobObjects objects = JobObjects.build(spec, namespace, jobName, env, version, why[0]);
    objects.omitted().forEach(o -> log.debug("E2E Job {}/{}: {}", namespace, jobName, o));
    objects.job().getMetadata().getLabels().put(Keys.E2E_JOB, jobName);

    createOrUpdate(objects.serviceAccount());
    createOrUpdate(objects.role());
    createOrUpdate(objects.roleBinding());
    Instant start = Instant.now();
    try {
      client.resource(objects.job()).create();
    } catch (KubernetesClientException e) {
      throw failure("create Job " + jobName, e);
    }
    log.info("E2E Job {}/{} created (image {})", namespace, jobName, spec.image());

    BlockingQueue<Boolean> signals = new LinkedBlockingQueue<>();
    ExecutorService streams =
        Executors.newSingleThreadExecutor(DaemonThreads.named("previewenv-e2e-log-" + jobName));
    SharedIndexInformer<Job> jobs = null;
    SharedIndexInformer<Pod> pods = null;
    try {
      jobs =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(namespace)
              .withLabel(Keys.E2E_JOB, jobName)
              .inform(signalling(signals), 0);
      pods =
          client
              .pods()
              .inNamespace(namespace)
              .withLabel(Keys.E2E_JOB, jobName)
              .inform(signalling(signals), 0);
      return watch(start, jobs, pods, signals, streams);
    } catch (RuntimeException e) {
      // e.g. no right to watch pods: nobody would follow the Job, so do not leave it running
      deleteJob = true;
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PreviewEnvException(
          "Interrupted while waiting for E2E Job "
              + namespace
              + "/"
              + jobName
              + "; the Job keeps running until its active deadline. Delete it with: kubectl"
              + " delete job -n "
              + namespace
              + " "
              + jobName,
          namespace,
          "Job/" + jobName,
          e);
    } finally {
      if (jobs != null) {
        jobs.close();
      }
      if (pods != null) {
        pods.close();
      }
      streams.shutdownNow();
      // Deleted after the watches are closed: nothing is left listening for it.
      if (deleteJob) {
        deleteJob();
      }
    }
  }

  private E2eResult watch(
      Instant start,
      SharedIndexInformer<Job> jobs,
      SharedIndexInformer<Pod> pods,
      BlockingQueue<Boolean> signals,
      ExecutorService streams)
      throws InterruptedException {
    Instant deadline = start.plus(spec.timeout());
    Set<String> streaming = new HashSet<>();
    Map<String, Future<Boolean>> streamsByPod = new LinkedHashMap<>();
    while (true) {
      Job job = jobs.getStore().list().stream().findFirst().orElse(null);
      List<Pod> current = pods.getStore().list();
      Optional<Cause> pull = PodStates.imagePullFailure(current);
      if (pull.isPresent()) {
        log.info("E2E Job {}/{}: {}; deleting the Job", namespace, jobName, pull.get().message());
        deleteJob = true;
        return result(start, job, current, pull, streamsByPod);
      }
      for (Pod p : PodStates.oldestFirst(current)) {
        String uid = p.getMetadata().getUid();
        if (PodStates.started(p, JobObjects.CONTAINER) && streaming.add(uid)) {
          boolean first = streamsByPod.isEmpty();
          streamsByPod.put(
              p.getMetadata().getName(),
              streams.submit(() -> stream(p.getMetadata().getName(), first)));
        }
      }
      Optional<JobCondition> terminal = PodStates.terminal(job);
      if (terminal.isPresent()) {
        log.info(
            "E2E Job {}/{} {} after {} s{}",
            namespace,
            jobName,
            terminal.get().getType(),
            Duration.between(start, Instant.now()).toSeconds(),
            terminal.get().getReason() == null ? "" : " (" + terminal.get().getReason() + ")");
        // The container has ended: its log is complete. Read it now, concurrently with one fresh
        // list (the informer may lag behind the status that made the Job terminal) and with the
        // end of the log stream, instead of one after the other.
        List<Pod> cached = PodStates.newestFirst(current);
        Map<String, CompletableFuture<String>> prefetched = new HashMap<>();
        if (!cached.isEmpty()) {
          String name = cached.get(0).getMetadata().getName();
          prefetched.put(name, readLogAsync(name));
        }
        List<Pod> fresh =
            client.pods().inNamespace(namespace).withLabel(Keys.E2E_JOB, jobName).list().getItems();
        return result(start, job, fresh, Optional.empty(), streamsByPod, prefetched);
      }
      long left = Duration.between(Instant.now(), deadline).toMillis();
      if (left <= 0) {
        String seen =
            current.isEmpty()
                ? "no pod"
                : String.join(
                    "; ",
                    current.stream().map(p -> PodText.jobLine(p, JobObjects.CONTAINER)).toList());
        Cause timeout =
            new Cause(
                Cause.Kind.TIMEOUT,
                "Job "
                    + jobName
                    + " did not finish within the runner's timeout of "
                    + spec.timeout().toSeconds()
                    + " s (active deadline "
                    + spec.activeDeadline().toSeconds()
                    + " s); last seen: "
                    + seen
                    + ". The Job was deleted; raise E2eJob.withTimeout if the suite needs longer");
        log.info("E2E Job {}/{}: {}", namespace, jobName, timeout.message());
        deleteJob = true;
        return result(start, job, current, Optional.of(timeout), streamsByPod);
      }
      signals.poll(left, TimeUnit.MILLISECONDS);
      signals.clear();
    }
  }

  /** Streams a pod's log to the consumer; returns whether the stream ended normally. */
  private boolean stream(String pod, boolean first) {
    synchronized (lines) {
      lines.beginPod(pod, first);
    }
    try (LogWatch watch =
            client
                .pods()
                .inNamespace(namespace)
                .withName(pod)
                .inContainer(JobObjects.CONTAINER)
                .watchLog();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lines) {
          lines.accept(line);
        }
      }
      return true;
    } catch (Exception e) {
      log.debug(
          "E2E Job {}/{}: following the log of pod {} ended: {}",
          namespace,
          jobName,
          pod,
          e.toString());
      return false;
    }
  }

  private E2eResult result(
      Instant start,
      Job job,
      List<Pod> pods,
      Optional<Cause> early,
      Map<String, Future<Boolean>> streamsByPod)
      throws InterruptedException {
    return result(start, job, pods, early, streamsByPod, Map.of());
  }

  private E2eResult result(
      Instant start,
      Job job,
      List<Pod> pods,
      Optional<Cause> early,
      Map<String, Future<Boolean>> streamsByPod,
      Map<String, CompletableFuture<String>> prefetchedLogs)
      throws InterruptedException {
    List<Pod> newest = PodStates.newestFirst(pods);
    Pod pod = newest.isEmpty() ? null : newest.get(0);
    for (int i = 1; i < newest.size(); i++) {
      PodStates.evicted(newest.get(i))
          .ifPresent(c -> notes.add(c.message() + " (replaced by a new pod)"));
    }
    if (early.isEmpty()) {
      if (pod != null) {
        drainLog(
            pod,
            streamsByPod.get(pod.getMetadata().getName()),
            prefetchedLogs.get(pod.getMetadata().getName()));
      }
      awaitStreams(streamsByPod);
    }
    Duration duration = Duration.between(start, Instant.now());
    String message =
        pod == null
            ? ""
            : PodStates.terminated(pod, JobObjects.CONTAINER)
                .map(ContainerStateTerminated::getMessage)
                .orElse("");
    message = message == null ? "" : message.strip();

    HandOffResults handOff;
    synchronized (lines) {
      handOff = HandOffResults.of(lines.decoder());
    }
    handOff.notices().forEach(n -> notes.add("The suite says: " + secrets.scrub(n)));
    message = secrets.scrub(message);
    // the reports are written to files and re-emitted as tests: scrubbed once, here
    Map<String, String> reports = new java.util.LinkedHashMap<>();
    handOff
        .xmlReports()
        .forEach((name, xml) -> reports.put(secrets.scrub(name), secrets.scrubXml(xml)));
    List<TestCase> cases = new ArrayList<>();
    List<String> xmlProblems = new ArrayList<>();
    boolean fromXml = false;
    for (Map.Entry<String, String> e : reports.entrySet()) {
      try {
        cases.addAll(JUnitXml.parse(e.getValue()));
        fromXml = true;
      } catch (IllegalArgumentException ex) {
        xmlProblems.add("JUnit XML report " + e.getKey() + ": " + ex.getMessage());
      }
    }
    int tests;
    int passed;
    int failed;
    int skipped;
    Optional<TerminationSummary> summary = TerminationSummary.parse(message);
    if (fromXml) {
      tests = cases.size();
      failed = (int) cases.stream().filter(c -> c.status() == Status.FAILED).count();
      skipped = (int) cases.stream().filter(c -> c.status() == Status.SKIPPED).count();
      passed = tests - failed - skipped;
    } else if (summary.isPresent()) {
      TerminationSummary s = summary.get();
      tests = s.tests();
      passed = s.passed();
      failed = s.failed();
      skipped = s.skipped();
      cases.addAll(s.failures());
      notes.add(
          "No JUnit XML report in the log; counts and failures come from the termination-message"
              + " summary");
    } else {
      tests = passed = failed = skipped = 0;
    }
    boolean haveResults = fromXml || summary.isPresent();

    // What the suite planned and what came back
    Set<String> reported = new HashSet<>();
    cases.forEach(c -> reported.add(c.id()));
    List<String> notRun =
        handOff.plan().orElse(List.of()).stream().filter(id -> !reported.contains(id)).toList();
    List<String> missing = new ArrayList<>(handOff.problems());
    missing.addAll(xmlProblems);
    if (handOff.plan().isPresent() && handOff.end().isEmpty()) {
      missing.add(
          "the suite's end record never arrived: the suite's JVM died (OOM kill, crash, SIGKILL)"
              + " or the log was cut");
    }
    handOff
        .end()
        .filter(end -> RunEnd.INTERRUPTED.equals(end.status()))
        .ifPresent(end -> missing.add("the suite says: " + end.reason()));
    if (!notRun.isEmpty()) {
      missing.add(
          notRun.size()
              + " of "
              + handOff.plan().get().size()
              + " planned tests never ran or their report was lost: "
              + firstOf(notRun, 10));
    }
    boolean complete = missing.isEmpty();

    Optional<Cause> cause = early.or(() -> causeFromStatus(job, pod, haveResults, tests, failed));
    if (!complete) {
      String what =
          (fromXml ? tests + " test(s) came back; " : "")
              + "results are incomplete: "
              + String.join("; ", missing);
      cause =
          Optional.of(
              cause
                  .map(c -> new Cause(c.kind(), c.message() + ". " + what))
                  .orElseGet(() -> new Cause(Cause.Kind.INCOMPLETE_RESULTS, what)));
    }
    Outcome outcome =
        cause.isPresent() ? Outcome.ERROR : failed > 0 ? Outcome.FAILED : Outcome.PASSED;
    E2eResult result =
        new E2eResult(
            namespace,
            jobName,
            outcome,
            tests,
            passed,
            failed,
            skipped,
            cases,
            duration,
            reports,
            message,
            lines.tail(),
            cause.map(c -> new Cause(c.kind(), secrets.scrub(c.message()))),
            notes.stream().map(secrets::scrub).toList(),
            notRun,
            complete,
            handOff.artifacts());
    log.info("{}", result.summary());
    return result;
  }

  private Optional<Cause> causeFromStatus(
      Job job, Pod pod, boolean haveResults, int tests, int failed) {
    Optional<JobCondition> terminal = PodStates.terminal(job);
    String podState = pod == null ? "no pod" : PodText.jobLine(pod, JobObjects.CONTAINER);
    if (terminal.isPresent()
        && "Failed".equals(terminal.get().getType())
        && "DeadlineExceeded".equals(terminal.get().getReason())) {
      return Optional.of(
          new Cause(
              Cause.Kind.DEADLINE_EXCEEDED,
              "Job "
                  + jobName
                  + " was active longer than its activeDeadlineSeconds "
                  + spec.activeDeadline().toSeconds()
                  + " (DeadlineExceeded: "
                  + terminal.get().getMessage()
                  + "); last seen: "
                  + podState
                  + ". Raise E2eJob.withActiveDeadline or select fewer tests"));
    }
    if (pod == null) {
      return Optional.of(
          new Cause(
              Cause.Kind.NO_RESULTS,
              "Job " + jobName + " ended without a pod" + terminalText(terminal)));
    }
    Optional<Cause> oom = PodStates.oomKilled(pod, JobObjects.CONTAINER);
    if (oom.isPresent()) {
      return oom;
    }
    Optional<Cause> evicted = PodStates.evicted(pod);
    if (evicted.isPresent()) {
      return evicted;
    }
    Optional<ContainerStateTerminated> t = PodStates.terminated(pod, JobObjects.CONTAINER);
    Integer exit = t.map(ContainerStateTerminated::getExitCode).orElse(null);
    if (exit != null && exit == 2) {
      return Optional.of(
          new Cause(
              Cause.Kind.SUITE_ERROR,
              "The suite in pod "
                  + pod.getMetadata().getName()
                  + " exited with code 2: no test ran or its launcher failed; see the log tail"
                  + " and the termination message"));
    }
    if (!haveResults) {
      return Optional.of(
          new Cause(
              Cause.Kind.NO_RESULTS,
              "The suite's container in "
                  + podState
                  + " left neither result records ("
                  + E2eResults.MARKER
                  + " lines) in its log nor a JSON summary in its termination message"
                  + terminalText(terminal)
                  + ". Check that the image's main is PreviewEnv's launcher"
                  + " (dev.previewenv.launcher.E2eMain) or prints its reports with"
                  + " E2eResults.print"));
    }
    if (tests == 0) {
      return Optional.of(
          new Cause(Cause.Kind.SUITE_ERROR, "The suite reported that no test ran in " + podState));
    }
    if (exit != null && exit != 0 && failed == 0) {
      return Optional.of(
          new Cause(
              Cause.Kind.SUITE_ERROR,
              "The suite exited with code "
                  + exit
                  + " although its reports show no failed test; "
                  + podState));
    }
    return Optional.empty();
  }

  private static String firstOf(List<String> ids, int n) {
    return ids.size() <= n
        ? String.join(", ", ids)
        : String.join(", ", ids.subList(0, n)) + " and " + (ids.size() - n) + " more";
  }

  private static String terminalText(Optional<JobCondition> terminal) {
    return terminal
        .map(
            c ->
                " (Job "
                    + c.getType()
                    + (c.getReason() == null ? "" : " " + c.getReason())
                    + (c.getMessage() == null ? "" : ": " + c.getMessage())
                    + ")")
        .orElse("");
  }

  private String readLog(String pod) {
    return client
        .pods()
        .inNamespace(namespace)
        .withName(pod)
        .inContainer(JobObjects.CONTAINER)
        .getLog();
  }

  /** Reads the whole log of a pod whose container has ended, on its own daemon thread. */
  private CompletableFuture<String> readLogAsync(String pod) {
    return CompletableFuture.supplyAsync(
        () -> readLog(pod),
        r -> DaemonThreads.named("previewenv-e2e-log-read-" + jobName).newThread(r).start());
  }

  private static String joinLog(CompletableFuture<String> log) throws InterruptedException {
    try {
      return log.get();
    } catch (ExecutionException e) {
      if (Tasks.cause(e) instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(Tasks.cause(e));
    }
  }

  /**
   * Waits (bounded by the drain time in all) for the log streams still running, e.g. of a pod the
   * Job controller is stopping at its deadline, whose suite hands back what it finished as it goes
   * down.
   */
  private void awaitStreams(Map<String, Future<Boolean>> streamsByPod) throws InterruptedException {
    long until = System.nanoTime() + LOG_DRAIN.toNanos();
    for (Map.Entry<String, Future<Boolean>> e : streamsByPod.entrySet()) {
      if (e.getValue().isDone()) {
        continue;
      }
      try {
        e.getValue().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException ex) {
        e.getValue().cancel(true);
        log.debug(
            "E2E Job {}/{}: log stream of {} did not end: {}", namespace, jobName, e.getKey(), ex);
      }
    }
  }

  /**
   * Waits (bounded) for the pod's log stream to end, fetches the whole log for the reports, and
   * passes on the lines the stream did not deliver (all of them where following did not work).
   */
  private String drainLog(Pod pod, Future<Boolean> stream, CompletableFuture<String> prefetched)
      throws InterruptedException {
    String name = pod.getMetadata().getName();
    if (stream != null) {
      try {
        stream.get(LOG_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        stream.cancel(true);
        log.debug("E2E Job {}/{}: log stream of {} did not end: {}", namespace, jobName, name, e);
      }
    }
    String full;
    try {
      full = prefetched != null ? joinLog(prefetched) : readLog(name);
    } catch (KubernetesClientException e) {
      notes.add("The log of pod " + name + " could not be read after the run: " + e.getMessage());
      return "";
    }
    full = full == null ? "" : full;
    synchronized (lines) {
      long skip;
      if (name.equals(lines.pod())) {
        skip = lines.seen();
      } else {
        lines.beginPod(name, lines.pod() == null);
        skip = 0;
      }
      String[] all = full.split("\n", -1);
      int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
      for (int i = (int) Math.min(skip, end); i < end; i++) {
        lines.accept(all[i]);
      }
    }
    return full;
  }

  private Map<String, String> clusterIpUrls() {
    Map<String, String> urls = new LinkedHashMap<>();
    for (Service s : client.services().inNamespace(namespace).list().getItems()) {
      if (s.getSpec() == null
          || s.getSpec().getClusterIP() == null
          || s.getSpec().getClusterIP().isBlank()
          || "None".equals(s.getSpec().getClusterIP())
          || s.getSpec().getPorts() == null
          || s.getSpec().getPorts().isEmpty()) {
        continue;
      }
      urls.put(
          s.getMetadata().getName(),
          "http://" + s.getSpec().getClusterIP() + ":" + s.getSpec().getPorts().get(0).getPort());
    }
    return urls;
  }

  private void deleteJob() {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .withName(jobName)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
    } catch (KubernetesClientException e) {
      log.info(
          "E2E Job {}/{} could not be deleted ({}); delete it with: kubectl delete job -n {} {}",
          namespace,
          jobName,
          e.getMessage(),
          namespace,
          jobName);
    }
  }

  private void createOrUpdate(HasMetadata object) {
    try {
      client.resource(object).createOr(NonDeletingOperation::update);
    } catch (KubernetesClientException e) {
      throw failure(
          "create or update " + object.getKind() + " " + object.getMetadata().getName(), e);
    }
  }

  private PreviewEnvException failure(String what, KubernetesClientException e) {
    return new PreviewEnvException(
        "Cannot "
            + what
            + " in namespace "
            + namespace
            + " for the E2E run: HTTP "
            + e.getCode()
            + " "
            + e.getMessage()
            + ". The client needs create/update on serviceaccounts, roles, rolebindings (and the"
            + " permissions granted by that Role) and jobs there",
        namespace,
        what.substring(what.lastIndexOf(' ', what.length() - 1) + 1),
        e);
  }

  private static <T> ResourceEventHandler<T> signalling(BlockingQueue<Boolean> signals) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        signals.offer(Boolean.TRUE);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        signals.offer(Boolean.TRUE);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        signals.offer(Boolean.TRUE);
      }
    };
  }

  /** The name of the Job of this run. */
  public String jobName() {
    return jobName;
  }
}
