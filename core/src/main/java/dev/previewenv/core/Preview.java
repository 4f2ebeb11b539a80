package dev.previewenv.core;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
  private final Path diagnosticsDirectory;
  private final Runnable teardown;
  private final AtomicBoolean failed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  Preview(
      Plan plan,
      KubernetesClient client,
      Cleanup cleanup,
      Path diagnosticsDirectory,
      Runnable teardown) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.client = Objects.requireNonNull(client, "client");
    this.cleanup = Objects.requireNonNull(cleanup, "cleanup");
    this.diagnosticsDirectory =
        Objects.requireNonNull(diagnosticsDirectory, "diagnosticsDirectory");
    this.teardown = Objects.requireNonNull(teardown, "teardown");
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
    Map<String, List<URI>> result = new LinkedHashMap<>();
    for (Route r : plan.routes()) {
      result.computeIfAbsent(r.service(), k -> new ArrayList<>()).add(r.url());
    }
    result.replaceAll((k, v) -> List.copyOf(v));
    return Map.copyOf(result);
  }

  /** The URLs served under each host, in route order. */
  public Map<String, List<URI>> urlsByHost() {
    Map<String, List<URI>> result = new LinkedHashMap<>();
    for (Route r : plan.routes()) {
      result.computeIfAbsent(r.host(), k -> new ArrayList<>()).add(r.url());
    }
    result.replaceAll((k, v) -> List.copyOf(v));
    return Map.copyOf(result);
  }

  /**
   * The first URL routed to {@code service}.
   *
   * @throws PreviewEnvException when no ingress route leads to that service
   */
  public URI url(String service) {
    for (Route r : plan.routes()) {
      if (r.service().equals(service)) {
        return r.url();
      }
    }
    List<String> services = plan.routes().stream().map(Route::service).distinct().toList();
    throw new PreviewEnvException(
        "No ingress route of environment "
            + namespace()
            + " leads to service "
            + service
            + "; services with routes: "
            + (services.isEmpty() ? "none" : String.join(", ", services))
            + ". Add an Ingress rule for it or use port-forwarding",
        namespace(),
        "Service/" + service,
        null);
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
    boolean delete = cleanup == Cleanup.ALWAYS || (cleanup == Cleanup.ON_SUCCESS && !failed.get());
    if (delete) {
      teardown.run();
    } else {
      logKept(
          namespace(),
          namespace(),
          failed.get() ? "run failed, cleanup " + cleanup : "cleanup " + cleanup);
    }
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

  @Override
  public String toString() {
    return "Preview[" + namespace() + "]";
  }
}
