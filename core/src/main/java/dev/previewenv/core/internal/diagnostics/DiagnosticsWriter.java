package dev.previewenv.core.internal.diagnostics;

import static dev.previewenv.core.internal.kube.Coordinates.orEmpty;

import dev.previewenv.core.NotReadyException;
import dev.previewenv.core.internal.SecretValues;
import dev.previewenv.core.internal.kube.PodText;
import dev.previewenv.core.internal.kube.Pods;
import dev.previewenv.core.internal.readiness.WorkloadStates;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes the diagnostics folder described by {@link dev.previewenv.core.Diagnostics}. */
public final class DiagnosticsWriter {
  static final String REDACTED = SecretValues.REDACTED;
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          Deployment.class,
          StatefulSet.class,
          DaemonSet.class,
          ReplicaSet.class,
          Job.class,
          CronJob.class,
          Pod.class,
          Service.class,
          Ingress.class,
          ConfigMap.class,
          Secret.class,
          ServiceAccount.class,
          PersistentVolumeClaim.class,
          ResourceQuota.class,
          LimitRange.class,
          NetworkPolicy.class,
          Role.class,
          RoleBinding.class);

  private static final Pattern SENSITIVE_ENV =
      Pattern.compile("(?i).*(pass|secret|token|key|credential|auth).*");
  private static final int SUMMARY_WARNINGS = 10;

  private static final Logger log = LoggerFactory.getLogger(DiagnosticsWriter.class);

  private final KubernetesClient client;
  private final String namespace;
  private final Path dir;
  private final int logTailLines;
  private final KubernetesSerialization serialization;
  private final List<String> errors = new ArrayList<>();
  private SecretValues secretValues;
  private final List<String> written = new ArrayList<>();

  /** Log lines kept per container when not given. */
  public static final int DEFAULT_LOG_TAIL_LINES = 200;

  public DiagnosticsWriter(KubernetesClient client, String namespace, Path dir, int logTailLines) {
    this(client, namespace, dir, logTailLines, SecretValues.none());
  }

  /**
   * @param known the secret values PreviewEnv knows (the plan's Secrets, copied secrets): scrubbed
   *     even when the namespace's Secrets cannot be listed
   */
  public DiagnosticsWriter(
      KubernetesClient client, String namespace, Path dir, int logTailLines, SecretValues known) {
    this.secretValues = Objects.requireNonNull(known, "known");
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.dir = Objects.requireNonNull(dir, "dir");
    this.logTailLines = logTailLines;
    this.serialization = client.getKubernetesSerialization();
  }

  /** Writes everything it can; returns the summary file. Never throws. */
  public Path write() {
    Path summary = dir.resolve("summary.md");
    Namespace ns = null;
    List<Pod> pods = List.of();
    List<Event> events = List.of();
    Map<Class<? extends HasMetadata>, List<? extends HasMetadata>> objects = new LinkedHashMap<>();
    try {
      Files.createDirectories(dir.resolve("objects"));
      collectSecretValues();
      ns =
          attempt(
              "read Namespace " + namespace, () -> client.namespaces().withName(namespace).get());
      if (ns != null) {
        writeObject(ns);
      }
      for (Class<? extends HasMetadata> kind : KINDS) {
        List<? extends HasMetadata> items =
            attempt(
                "list " + kind.getSimpleName() + "s",
                () -> client.resources(kind).inNamespace(namespace).list().getItems());
        if (items == null) {
          continue;
        }
        objects.put(kind, items);
        for (HasMetadata item : items) {
          writeObject(item);
        }
      }
      @SuppressWarnings("unchecked")
      List<Pod> listedPods = (List<Pod>) objects.getOrDefault(Pod.class, List.of());
      pods = listedPods;
      List<Event> listedEvents = awaitEventsOf(pods);
      events = listedEvents == null ? List.of() : sortEvents(listedEvents);
      writeText("events.txt", eventsText(events));
      writeText("pods.txt", podsText(pods));
      writeLogs(pods);
    } catch (RuntimeException | IOException e) {
      errors.add("diagnostics collection stopped: " + e);
    }
    try {
      writeText("summary.md", summaryText(ns, objects, pods, events));
    } catch (RuntimeException | IOException e) {
      log.warn(
          "Could not write the diagnostics summary of namespace {} to {}: {}",
          namespace,
          summary,
          e.toString());
    }
    return summary;
  }

  private interface Action<T> {
    T run();
  }

  private <T> T attempt(String what, Action<T> action) {
    try {
      return action.run();
    } catch (KubernetesClientException e) {
      errors.add(what + ": HTTP " + e.getCode() + " " + scrub(String.valueOf(e.getMessage())));
    } catch (RuntimeException e) {
      errors.add(what + ": " + scrub(e.toString()));
    }
    return null;
  }

  // ---------------------------------------------------------------- secrets

  private void collectSecretValues() {
    List<Secret> secrets =
        attempt(
            "list Secrets (for scrubbing; the values PreviewEnv knows are scrubbed anyway)",
            () -> client.secrets().inNamespace(namespace).list().getItems());
    if (secrets != null) {
      secretValues = secretValues.plus(SecretValues.of(secrets));
    }
  }

  String scrub(String text) {
    return secretValues.scrub(text);
  }

  // ---------------------------------------------------------------- objects

  private void writeObject(HasMetadata object) throws IOException {
    Map<String, Object> tree = toTree(object);
    redact(object.getKind(), tree);
    String name = safe(object.getKind()) + "-" + safe(object.getMetadata().getName()) + ".yaml";
    writeText("objects/" + name, serialization.asYaml(tree));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> toTree(HasMetadata object) {
    return serialization.unmarshal(serialization.asJson(object), Map.class);
  }

  /**
   * Replaces Secret values and literal values of credential-like env variables by {@code
   * <redacted>}; drops managed fields and the last-applied annotation.
   */
  @SuppressWarnings("unchecked")
  public static void redact(String kind, Map<String, Object> tree) {
    Object metadata = tree.get("metadata");
    if (metadata instanceof Map<?, ?> meta) {
      ((Map<String, Object>) meta).remove("managedFields");
      if (meta.get("annotations") instanceof Map<?, ?> annotations) {
        ((Map<String, Object>) annotations).remove(LAST_APPLIED);
      }
    }
    if ("Secret".equals(kind)) {
      for (String field : List.of("data", "stringData")) {
        if (tree.get(field) instanceof Map<?, ?> values) {
          ((Map<String, Object>) values).replaceAll((k, v) -> REDACTED);
        }
      }
    }
    redactEnv(tree);
  }

  /** Redacts literal env values of credential-like variables anywhere in the tree. */
  @SuppressWarnings("unchecked")
  private static void redactEnv(Object node) {
    if (node instanceof Map<?, ?> map) {
      Object env = map.get("env");
      if (env instanceof List<?> vars) {
        for (Object v : vars) {
          if (v instanceof Map<?, ?> var
              && var.get("value") != null
              && var.get("name") instanceof String name
              && SENSITIVE_ENV.matcher(name).matches()) {
            ((Map<String, Object>) var).put("value", REDACTED);
          }
        }
      }
      for (Object child : map.values()) {
        redactEnv(child);
      }
    } else if (node instanceof List<?> list) {
      for (Object child : list) {
        redactEnv(child);
      }
    }
  }

  private static String safe(String s) {
    return s == null ? "unnamed" : s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private void writeText(String relative, String text) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, scrub(text), StandardCharsets.UTF_8);
    written.add(relative);
  }

  // ---------------------------------------------------------------- events

  /**
   * The namespace's events. The kubelet sends its events apart from the pod's status, and later: a
   * pod seen in {@code ErrImagePull} may have no {@code Failed to pull image} event yet. When a pod
   * has a container waiting for a reason of its own (not just created) and no Warning event of the
   * kubelet about a failing container names that pod, the namespace's events are watched from the
   * list's resourceVersion until one arrives, at most {@link #EVENT_SETTLE}, and listed again.
   */
  private List<Event> awaitEventsOf(List<Pod> pods) {
    EventList first =
        attempt("list Events", () -> client.v1().events().inNamespace(namespace).list());
    if (first == null) {
      return null;
    }
    java.util.Set<String> waiting = podsWithoutWarning(pods, first.getItems());
    String version = first.getMetadata() == null ? null : first.getMetadata().getResourceVersion();
    if (waiting.isEmpty() || version == null || EVENT_SETTLE.isZero()) {
      return first.getItems();
    }
    java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
    Watcher<Event> watcher =
        new Watcher<>() {
          @Override
          public void eventReceived(Watcher.Action action, Event e) {
            if (isContainerFailure(e) && waiting.contains(e.getInvolvedObject().getName())) {
              arrived.countDown();
            }
          }

          @Override
          public void onClose(WatcherException cause) {
            arrived.countDown();
          }
        };
    Boolean settled =
        attempt(
            "watch Events (waiting for the kubelet's events of " + waiting + ")",
            () -> {
              try (Watch ignored =
                  client
                      .v1()
                      .events()
                      .inNamespace(namespace)
                      .watch(
                          new ListOptionsBuilder()
                              .withResourceVersion(version)
                              .withAllowWatchBookmarks(false)
                              .build(),
                          watcher)) {
                return arrived.await(EVENT_SETTLE.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            });
    if (settled != Boolean.TRUE) {
      return first.getItems();
    }
    EventList again =
        attempt("list Events", () -> client.v1().events().inNamespace(namespace).list());
    return again == null ? first.getItems() : again.getItems();
  }

  private static boolean isContainerFailure(Event e) {
    return "Warning".equals(e.getType())
        && e.getInvolvedObject() != null
        && CONTAINER_FAILURE_REASONS.contains(e.getReason());
  }

  /** How long diagnostics wait for the kubelet's events of a pod that is stuck, at most. */
  static final java.time.Duration EVENT_SETTLE = java.time.Duration.ofSeconds(5);

  /**
   * The reasons of the kubelet's Warning events about a container it cannot pull, create or start
   * ({@code Failed to pull image …}, {@code Error: ErrImagePull}, {@code Back-off restarting …}):
   * other warnings of the same pod (e.g. {@code MissingClusterDNS}) do not explain a stuck
   * container.
   */
  static final java.util.Set<String> CONTAINER_FAILURE_REASONS =
      java.util.Set.of("Failed", "BackOff", "ErrImageNeverPull", "InspectFailed", "FailedMount");

  /**
   * Pods with a container waiting for a reason of its own and no Warning event of the kubelet about
   * a container failure naming them.
   */
  static java.util.Set<String> podsWithoutWarning(List<Pod> pods, List<Event> events) {
    java.util.Set<String> warned = new java.util.HashSet<>();
    for (Event e : events) {
      if (isContainerFailure(e)) {
        warned.add(e.getInvolvedObject().getName());
      }
    }
    java.util.Set<String> stuck = new java.util.TreeSet<>();
    for (Pod pod : pods) {
      if (pod.getStatus() == null || pod.getMetadata() == null) {
        continue;
      }
      for (ContainerStatus c : Pods.containerStatuses(pod)) {
        String reason =
            c.getState() == null || c.getState().getWaiting() == null
                ? null
                : c.getState().getWaiting().getReason();
        if (reason != null
            && !"ContainerCreating".equals(reason)
            && !"PodInitializing".equals(reason)
            && !warned.contains(pod.getMetadata().getName())) {
          stuck.add(pod.getMetadata().getName());
        }
      }
    }
    return stuck;
  }

  static List<Event> sortEvents(List<Event> events) {
    List<Event> sorted = new ArrayList<>(events);
    sorted.sort(
        Comparator.comparing(DiagnosticsWriter::eventTime)
            .thenComparing(e -> e.getFirstTimestamp() == null ? "" : e.getFirstTimestamp())
            .thenComparingLong(DiagnosticsWriter::resourceVersion));
    return sorted;
  }

  static String eventTime(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    if (e.getFirstTimestamp() != null) {
      return e.getFirstTimestamp();
    }
    String created = e.getMetadata().getCreationTimestamp();
    return created == null ? "" : created;
  }

  private static long resourceVersion(HasMetadata o) {
    try {
      return Long.parseLong(o.getMetadata().getResourceVersion());
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String eventLine(Event e) {
    String involved =
        e.getInvolvedObject() == null
            ? "?"
            : e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName();
    int count = e.getCount() == null ? 1 : e.getCount();
    return String.format(
        "%-20s %-7s %-20s %-40s %s%s",
        eventTime(e),
        e.getType(),
        e.getReason(),
        involved,
        count > 1 ? "(x" + count + ") " : "",
        PodText.oneLine(e.getMessage()));
  }

  private static String eventsText(List<Event> events) {
    StringBuilder out =
        new StringBuilder("# Events, oldest first: last seen, type, reason, object, message\n");
    for (Event e : events) {
      out.append(eventLine(e)).append('\n');
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- pods

  private static String podsText(List<Pod> pods) {
    StringBuilder out = new StringBuilder();
    for (Pod pod : pods) {
      out.append("Pod ").append(pod.getMetadata().getName());
      out.append("  owner ").append(Pods.owner(pod));
      if (pod.getStatus() == null) {
        out.append("  (no status)\n\n");
        continue;
      }
      out.append("  phase ").append(pod.getStatus().getPhase());
      if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
        out.append("  node ").append(pod.getSpec().getNodeName());
      }
      if (pod.getStatus().getReason() != null) {
        out.append("  reason ").append(pod.getStatus().getReason());
      }
      out.append('\n');
      for (PodCondition c : orEmpty(pod.getStatus().getConditions())) {
        out.append("  condition ").append(c.getType()).append('=').append(c.getStatus());
        if (c.getReason() != null) {
          out.append(" ").append(c.getReason());
        }
        if (c.getMessage() != null) {
          out.append(": ").append(PodText.oneLine(c.getMessage()));
        }
        out.append('\n');
      }
      for (ContainerStatus cs : Pods.containerStatuses(pod)) {
        out.append("  container ")
            .append(cs.getName())
            .append("  image ")
            .append(cs.getImage())
            .append("  ready ")
            .append(cs.getReady())
            .append("  restarts ")
            .append(cs.getRestartCount())
            .append('\n');
        out.append("    state: ").append(PodText.stateCell(cs.getState())).append('\n');
        if (cs.getLastState() != null && cs.getLastState().getTerminated() != null) {
          out.append("    last state: ").append(PodText.stateCell(cs.getLastState())).append('\n');
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- logs

  private void writeLogs(List<Pod> pods) throws IOException {
    for (Pod pod : pods) {
      String podName = pod.getMetadata().getName();
      List<String> containers = new ArrayList<>();
      if (pod.getSpec() != null) {
        orEmpty(pod.getSpec().getInitContainers()).forEach(c -> containers.add(c.getName()));
        orEmpty(pod.getSpec().getContainers()).forEach(c -> containers.add(c.getName()));
      }
      for (String container : containers) {
        ContainerStatus cs =
            Pods.containerStatuses(pod).stream()
                .filter(s -> container.equals(s.getName()))
                .findFirst()
                .orElse(null);
        boolean started =
            cs != null
                && cs.getState() != null
                && (cs.getState().getRunning() != null || cs.getState().getTerminated() != null);
        boolean restarted =
            cs != null
                && ((cs.getRestartCount() != null && cs.getRestartCount() > 0)
                    || (cs.getLastState() != null && cs.getLastState().getTerminated() != null));
        if (started || restarted) {
          String current = log(podName, container, false);
          if (current != null) {
            writeText("logs/" + safe(podName) + "/" + safe(container) + ".log", current);
          }
        }
        if (restarted) {
          String previous = log(podName, container, true);
          if (previous != null) {
            writeText("logs/" + safe(podName) + "/" + safe(container) + ".previous.log", previous);
          }
        }
      }
    }
  }

  private String log(String pod, String container, boolean previous) {
    try {
      var op = client.pods().inNamespace(namespace).withName(pod).inContainer(container);
      return previous
          ? op.terminated().tailingLines(logTailLines).getLog()
          : op.tailingLines(logTailLines).getLog();
    } catch (KubernetesClientException e) {
      if (e.getCode() >= 400 && e.getCode() < 500 && (previous || e.getCode() != 403)) {
        // No (previous) instance of the container to read from: nothing to collect.
        return null;
      }
      errors.add(
          (previous ? "previous " : "")
              + "log of pod "
              + pod
              + " container "
              + container
              + ": HTTP "
              + e.getCode()
              + " "
              + scrub(String.valueOf(e.getMessage())));
      return null;
    }
  }

  // ---------------------------------------------------------------- summary

  private String summaryText(
      Namespace ns,
      Map<Class<? extends HasMetadata>, List<? extends HasMetadata>> objects,
      List<Pod> pods,
      List<Event> events) {
    StringBuilder out = new StringBuilder();
    out.append("# Diagnostics of namespace ").append(namespace).append("\n\n");
    out.append("Collected at ").append(Instant.now()).append(".\n\n");
    if (ns == null) {
      out.append("Namespace: **not found** (or not readable).\n\n");
    } else {
      String phase = ns.getStatus() == null ? null : ns.getStatus().getPhase();
      out.append("Namespace phase: **").append(phase == null ? "unknown" : phase).append("**");
      if (ns.getMetadata().getDeletionTimestamp() != null) {
        out.append(", deletion requested at ").append(ns.getMetadata().getDeletionTimestamp());
      }
      out.append("\n\n");
      if (ns.getStatus() != null) {
        for (NamespaceCondition c : orEmpty(ns.getStatus().getConditions())) {
          if ("True".equals(c.getStatus())) {
            out.append("- ")
                .append(c.getType())
                .append(": ")
                .append(PodText.oneLine(c.getMessage()))
                .append('\n');
          }
        }
        out.append('\n');
      }
    }

    out.append("## Workloads\n\n| object | ready | state |\n|---|---|---|\n");
    int workloads = 0;
    for (Class<? extends HasMetadata> kind :
        List.of(Deployment.class, StatefulSet.class, DaemonSet.class, Job.class)) {
      for (HasMetadata o : objects.getOrDefault(kind, List.of())) {
        String[] state = workloadState(o);
        out.append("| ")
            .append(o.getKind())
            .append('/')
            .append(o.getMetadata().getName())
            .append(" | ")
            .append(state[0])
            .append(" | ")
            .append(state[1])
            .append(" |\n");
        workloads++;
      }
    }
    if (workloads == 0) {
      out.append("| (none) | | |\n");
    }

    out.append("\n## Failing pods\n\n");
    int failing = 0;
    for (Pod pod : pods) {
      String problem = PodText.problem(pod);
      if (problem != null) {
        out.append("- ")
            .append(Pods.owner(pod))
            .append(" pod `")
            .append(pod.getMetadata().getName())
            .append("`: ")
            .append(problem)
            .append('\n');
        failing++;
      }
    }
    if (failing == 0) {
      out.append("None.\n");
    }

    out.append("\n## Last warning events\n\n");
    List<Event> warnings = events.stream().filter(e -> "Warning".equals(e.getType())).toList();
    if (warnings.isEmpty()) {
      out.append("None.\n");
    } else {
      out.append("```\n");
      for (Event e :
          warnings.subList(Math.max(0, warnings.size() - SUMMARY_WARNINGS), warnings.size())) {
        out.append(eventLine(e)).append('\n');
      }
      out.append("```\n");
    }

    out.append("\n## Files\n\n");
    out.append("- `objects/`: ")
        .append(written.stream().filter(f -> f.startsWith("objects/")).count())
        .append(" objects as YAML (Secret values redacted)\n");
    out.append("- `events.txt`: all events, oldest first\n");
    out.append("- `pods.txt`: pod conditions and container statuses\n");
    out.append("- `logs/`: last ")
        .append(logTailLines)
        .append(" lines of container logs (`.previous.log` for the previous instance); ")
        .append(written.stream().filter(f -> f.startsWith("logs/")).count())
        .append(" files\n");

    if (!errors.isEmpty()) {
      out.append("\n## Collection errors\n\n");
      for (String e : errors) {
        out.append("- ").append(PodText.oneLine(e)).append('\n');
      }
    }
    return out.toString();
  }

  /** Ready or not by the same rules as the readiness wait, and what was observed. */
  private static String[] workloadState(HasMetadata o) {
    WorkloadStates.State state = WorkloadStates.of(o);
    if (state == null) {
      return new String[] {"?", ""};
    }
    return new String[] {state.ready() ? "yes" : "**no**", state.observed()};
  }

  /**
   * {@code e} with the diagnostics of {@code namespace} written to {@code dir}: its message
   * scrubbed of {@code known} values and ended by the line saying where they are, {@link
   * NotReadyException#diagnostics()} set. A failure to write them is added as suppressed and named
   * in that line instead.
   */
  public static NotReadyException attach(
      NotReadyException e,
      KubernetesClient client,
      String namespace,
      Path dir,
      SecretValues known) {
    String where;
    Path written = null;
    try {
      Path summary =
          new DiagnosticsWriter(client, namespace, dir, DEFAULT_LOG_TAIL_LINES, known).write();
      written = (summary == null ? dir : summary).toAbsolutePath();
      where = "Diagnostics: " + written;
    } catch (RuntimeException | Error diagnosticsFailure) {
      e.addSuppressed(diagnosticsFailure);
      where = "Diagnostics could not be written to " + dir.toAbsolutePath() + " (see suppressed)";
    }
    NotReadyException withDiagnostics =
        new NotReadyException(
            known.scrub(e.getMessage()) + System.lineSeparator() + where,
            e.environment().orElse(null),
            e.object().orElse(null),
            written == null ? null : written.toString());
    withDiagnostics.setStackTrace(e.getStackTrace());
    for (Throwable s : e.getSuppressed()) {
      withDiagnostics.addSuppressed(s);
    }
    return withDiagnostics;
  }
}
