package dev.previewenv.core;

import dev.previewenv.core.internal.SecretValues;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provisioned, ready environment. Closing it tears the environment down according to its {@link
 * Cleanup} policy; closing twice does nothing. Thread-safe.
 *
 * <pre>{@code
 * try (Preview preview = provisioner.up(plan)) {
 *   runTests(preview.url("api"));
 * } // deleted here (Cleanup.ALWAYS)
 * }</pre>
 */
public final class Preview implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Preview.class);

  private final Plan plan;
  private final KubernetesClient client;
  private final Cleanup cleanup;
  private final Access access;
  private final Map<String, LocalPortForward> forwards = new ConcurrentHashMap<>();
  private final Path diagnosticsDirectory;
  private final Runnable teardown;
  private final Runnable stopHeartbeat;
  private final Runnable releaseOwnership;
  private final SecretValues secretValues;
  private final AtomicBoolean failed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean keptNotice = true;
  private final Map<Phase, java.time.Duration> timings =
      java.util.Collections.synchronizedMap(new java.util.EnumMap<>(Phase.class));

  Preview(
      Plan plan,
      KubernetesClient client,
      Cleanup cleanup,
      Access access,
      Path diagnosticsDirectory,
      Runnable teardown) {
    this(
        plan,
        client,
        cleanup,
        access,
        diagnosticsDirectory,
        teardown,
        () -> {},
        () -> {},
        SecretValues.of(plan.objects()));
  }

  /**
   * @param stopHeartbeat stops renewing the owner lease; run first by {@link #close()}
   * @param releaseOwnership removes the owner lease of a kept environment, so that only its expiry
   *     counts for the janitor
   */
  Preview(
      Plan plan,
      KubernetesClient client,
      Cleanup cleanup,
      Access access,
      Path diagnosticsDirectory,
      Runnable teardown,
      Runnable stopHeartbeat,
      Runnable releaseOwnership,
      SecretValues secretValues) {
    this.secretValues = Objects.requireNonNull(secretValues, "secretValues");
    this.stopHeartbeat = Objects.requireNonNull(stopHeartbeat, "stopHeartbeat");
    this.releaseOwnership = Objects.requireNonNull(releaseOwnership, "releaseOwnership");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.client = Objects.requireNonNull(client, "client");
    this.cleanup = Objects.requireNonNull(cleanup, "cleanup");
    this.access = Objects.requireNonNull(access, "access");
    this.diagnosticsDirectory =
        Objects.requireNonNull(diagnosticsDirectory, "diagnosticsDirectory");
    this.teardown = Objects.requireNonNull(teardown, "teardown");
  }

  /** The plan this environment was made from (package-private: the E2E Job reads it). */
  Plan plan() {
    return plan;
  }

  /** The secret values PreviewEnv knows of this environment (plan Secrets, copied secrets). */
  SecretValues secretValues() {
    return secretValues;
  }

  /** The environment's name. */
  public EnvironmentName environment() {
    return plan.environment();
  }

  /** The environment's namespace. */
  public String namespace() {
    return plan.namespace();
  }

  /** The client the environment was provisioned with; still owned by the caller. */
  public KubernetesClient client() {
    return client;
  }

  /** The ingress routes, hosts already rewritten for this environment. */
  public List<Route> routes() {
    return plan.routes();
  }

  /** The URLs of each backend service, in route order. */
  public Map<String, List<URI>> urlsByService() {
    return urlsBy(Route::service);
  }

  /** The URLs served under each host, in route order. */
  public Map<String, List<URI>> urlsByHost() {
    return urlsBy(Route::host);
  }

  private Map<String, List<URI>> urlsBy(java.util.function.Function<Route, String> key) {
    Map<String, List<URI>> result = new LinkedHashMap<>();
    for (Route r : plan.routes()) {
      result.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r.url());
    }
    result.replaceAll((k, v) -> List.copyOf(v));
    return Map.copyOf(result);
  }

  /**
   * The URL of {@code service} by this environment's {@link Access}: the first ingress route to it,
   * or {@code http://127.0.0.1:<port>} of a port-forward through the API server (opened on first
   * use, closed with the environment).
   *
   * @throws PreviewEnvException when no ingress route leads to that service (ingress access), or
   *     the service or a ready pod behind it is missing (port-forward)
   */
  public URI url(String service) {
    Route route =
        plan.routes().stream().filter(r -> r.service().equals(service)).findFirst().orElse(null);
    boolean forward =
        access == Access.PORT_FORWARD
            || (access == Access.AUTO && (route == null || !hasIngressAddress(route.ingress())));
    if (forward) {
      return forwardedUrl(service, route);
    }
    if (route != null) {
      return route.url();
    }
    List<String> services = plan.routes().stream().map(Route::service).distinct().toList();
    throw new PreviewEnvException(
        "No ingress route of environment "
            + namespace()
            + " leads to service "
            + service
            + "; services with routes: "
            + (services.isEmpty() ? "none" : String.join(", ", services))
            + ". Add an Ingress rule for it or use Access.PORT_FORWARD",
        namespace(),
        "Service/" + service,
        null);
  }

  /** How {@link #url(String)} reaches services. */
  public Access access() {
    return access;
  }

  private boolean hasIngressAddress(String ingress) {
    var found = client.network().v1().ingresses().inNamespace(namespace()).withName(ingress).get();
    return found != null
        && found.getStatus() != null
        && found.getStatus().getLoadBalancer() != null
        && found.getStatus().getLoadBalancer().getIngress() != null
        && !found.getStatus().getLoadBalancer().getIngress().isEmpty();
  }

  private URI forwardedUrl(String service, Route route) {
    if (closed.get()) {
      throw new PreviewEnvException(
          "Environment "
              + namespace()
              + " is closed; no port-forward to "
              + service
              + " can be opened",
          namespace(),
          "Service/" + service,
          null);
    }
    LocalPortForward forward =
        forwards.computeIfAbsent(service, s -> openForward(s, route == null ? null : route.port()));
    if (closed.get()) { // close() ran while this forward was being opened: it missed it
      forwards.remove(service, forward);
      closeQuietly(forward);
      throw new PreviewEnvException(
          "Environment "
              + namespace()
              + " was closed while a port-forward to "
              + service
              + " was being opened",
          namespace(),
          "Service/" + service,
          null);
    }
    return URI.create("http://127.0.0.1:" + forward.getLocalPort());
  }

  private LocalPortForward openForward(String service, String routePort) {
    Service svc = client.services().inNamespace(namespace()).withName(service).get();
    if (svc == null
        || svc.getSpec() == null
        || svc.getSpec().getPorts() == null
        || svc.getSpec().getPorts().isEmpty()) {
      throw new PreviewEnvException(
          "Service "
              + service
              + " not found in environment "
              + namespace()
              + " (or it has no ports), so no port-forward can be opened; check the name against"
              + " kubectl get services -n "
              + namespace(),
          namespace(),
          "Service/" + service,
          null);
    }
    int port = svc.getSpec().getPorts().get(0).getPort();
    if (routePort != null) {
      for (var p : svc.getSpec().getPorts()) {
        if (routePort.equals(p.getName()) || routePort.equals(String.valueOf(p.getPort()))) {
          port = p.getPort();
        }
      }
    }
    try {
      LocalPortForward forward =
          client
              .services()
              .inNamespace(namespace())
              .withName(service)
              .portForward(port, InetAddress.getLoopbackAddress(), 0);
      log.info(
          "Port-forward 127.0.0.1:{} -> service {} port {} in {}",
          forward.getLocalPort(),
          service,
          port,
          namespace());
      return forward;
    } catch (RuntimeException e) {
      throw new PreviewEnvException(
          "Could not open a port-forward to service "
              + service
              + " port "
              + port
              + " in environment "
              + namespace()
              + ": "
              + e.getMessage()
              + ". A port-forward needs a running pod behind"
              + " the service and the pods/portforward permission",
          namespace(),
          "Service/" + service,
          e);
    }
  }

  /** Called by the provisioner once, with the durations of the phases of {@code up}. */
  void recordTimings(Map<Phase, java.time.Duration> measured) {
    timings.putAll(measured);
  }

  /**
   * How long each phase of this environment took so far, in phase order: those of {@code up}
   * (namespace, secrets when there were any, apply, readiness when awaited) and, once {@link
   * #close()} deleted the environment, teardown. For {@link CiReport}.
   */
  public Map<Phase, java.time.Duration> timings() {
    Map<Phase, java.time.Duration> copy = new java.util.EnumMap<>(Phase.class);
    synchronized (timings) {
      copy.putAll(timings);
    }
    return java.util.Collections.unmodifiableMap(copy);
  }

  /** Where diagnostics of this environment are written. */
  public Path diagnosticsDirectory() {
    return diagnosticsDirectory;
  }

  /** Writes diagnostics now and returns the summary file. */
  public Path writeDiagnostics() {
    return Diagnostics.write(client, namespace(), diagnosticsDirectory);
  }

  /** Marks the run as failed: with {@link Cleanup#ON_SUCCESS}, closing keeps the environment. */
  public void markFailed() {
    failed.set(true);
  }

  /** Whether {@link #markFailed()} was called. */
  public boolean failed() {
    return failed.get();
  }

  /** The cleanup policy applied by {@link #close()}. */
  public Cleanup cleanup() {
    return cleanup;
  }

  /**
   * Deletes the environment and waits until its namespace is gone, unless the cleanup policy keeps
   * it; a kept environment is logged with the commands to inspect and delete it.
   *
   * @throws PreviewEnvException when the namespace is still there after the wait timeout
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    forwards.values().forEach(this::closeQuietly);
    forwards.clear();
    stopHeartbeat.run();
    boolean delete = cleanup == Cleanup.ALWAYS || (cleanup == Cleanup.ON_SUCCESS && !failed.get());
    if (delete) {
      long start = System.nanoTime();
      teardown.run();
      timings.put(Phase.TEARDOWN, java.time.Duration.ofNanos(System.nanoTime() - start));
    } else {
      try {
        releaseOwnership.run();
      } catch (RuntimeException e) {
        log.warn(
            "Could not remove the owner lease of kept environment {}: the janitor may delete it"
                + " as orphaned once the lease expires. Delete lease previewenv-owner in namespace"
                + " {} to keep it until its expiry. Cause: {}",
            namespace(),
            namespace(),
            e.getMessage());
      }
      if (keptNotice) {
        logKept(
            namespace(),
            namespace(),
            failed.get() ? "run failed, cleanup " + cleanup : "cleanup " + cleanup);
      }
    }
  }

  /** Leaves the kept-environment notice to the caller (see Provisioner.withKeptNotice). */
  Preview withoutKeptNotice() {
    keptNotice = false;
    return this;
  }

  static void logKept(String namespace, String environment, String why) {
    log.info(
        "Keeping environment {} ({}). Inspect: kubectl get all,events -n {}; kubectl describe pods"
            + " -n {}. Delete: kubectl delete namespace {}",
        environment,
        why,
        namespace,
        namespace,
        namespace);
  }

  private void closeQuietly(LocalPortForward forward) {
    try {
      forward.close();
    } catch (IOException | RuntimeException e) {
      log.debug("Closing a port-forward of {} failed: {}", namespace(), e.toString());
    }
  }

  @Override
  public String toString() {
    return "Preview[" + namespace() + "]";
  }
}
