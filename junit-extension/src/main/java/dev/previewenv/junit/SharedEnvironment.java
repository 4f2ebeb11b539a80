package dev.previewenv.junit;

import dev.previewenv.core.Access;
import dev.previewenv.core.CiReport;
import dev.previewenv.core.Cleanup;
import dev.previewenv.core.EnvironmentHolder;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ImageOverride;
import dev.previewenv.core.Preview;
import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.Teardown;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One environment of the run, shared by every class whose specification is equal. It is put into
 * the root store before anything is created and provisioned on first use ({@link
 * #ensureUp(String)}), once; the store closes it at the end of the run, which tears it down per
 * retention, also when provisioning failed half-way. Thread-safe.
 */
final class SharedEnvironment implements TestEnvironment, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedEnvironment.class);
  private static final String FRESH = PreviewEnvironment.FRESH;

  private final EnvironmentSpec spec;
  private final Cluster cluster;
  private final String kubectlFlags;
  private final AtomicBoolean failed = new AtomicBoolean();

  /** How long teardown may take after SIGINT/SIGTERM before the JVM goes. */
  static final Duration INTERRUPT_BOUND = Duration.ofSeconds(10);

  // guarded by this; volatile: the interrupt hook reads them without the lock
  private volatile boolean touched; // the cluster may hold something of this environment
  private volatile Provisioner provisioner;
  private volatile Preview preview;
  private volatile boolean closing;
  private Thread interruptHook;
  private RuntimeException failure;
  private String failedFor;

  SharedEnvironment(EnvironmentSpec spec, Cluster cluster, String kubectlFlags) {
    this.spec = spec;
    this.cluster = cluster;
    this.kubectlFlags = kubectlFlags;
  }

  /**
   * Provisions the environment unless that happened already; a provisioning failure is rethrown to
   * every later caller without trying again, as a one-line pointer to the first report.
   *
   * @param who the test class asking, for messages
   */
  synchronized void ensureUp(String who) {
    if (preview != null) {
      return;
    }
    if (failure != null) {
      if (failure instanceof ReportedEarlier) {
        throw failure;
      }
      throw new ReportedEarlier(
          "Environment " + namespace() + " was not provisioned", failedFor, failure);
    }
    try {
      EnvironmentName name = spec.environmentName();
      KubernetesClient client = cluster.client(who);
      cluster.loadImages(imageReferences());
      provisioner = spec.provisioner(client);
      var plan = spec.plan(client);
      touched = true;
      interruptHook = new Thread(this::onInterrupt, "previewenv-interrupt-" + name.value());
      Runtime.getRuntime().addShutdownHook(interruptHook);
      if (client.namespaces().withName(name.value()).get() != null) {
        Optional<EnvironmentHolder> holder = provisioner.liveHolder(name);
        if (holder.isPresent()) {
          throw new PreviewEnvException(
              "Environment "
                  + name
                  + " is in use: "
                  + holder.get().identity()
                  + " holds it (since "
                  + holder.get().since()
                  + ", lease valid until "
                  + holder.get().validUntil()
                  + "), so another run is using it or died moments ago. Nothing was changed."
                  + " Wait for that run to end (a dead owner's lease lapses within 30 s), or give"
                  + " this run its own environment with -D"
                  + PreviewEnvironment.PREFIX
                  + "=<prefix> or -D"
                  + PreviewEnvironment.BRANCH
                  + "=<name>",
              name.value(),
              "Namespace/" + name.value(),
              null);
        }
        if (spec.fresh()) {
          log.info("Deleting the existing environment {} first ({}=true)", name, FRESH);
          provisioner.withTeardown(Teardown.WAIT).down(name);
        } else {
          log.info(
              "Environment {} exists and no live owner holds it: updating it in place (-D{}=true"
                  + " starts fresh instead)",
              name,
              FRESH);
        }
      }
      preview = provisioner.up(plan);
    } catch (RuntimeException e) {
      failed.set(true);
      failure = e;
      failedFor = who;
      throw e;
    }
  }

  @Override
  public String namespace() {
    return spec.environmentName().value();
  }

  @Override
  public KubernetesClient client() {
    return cluster.client();
  }

  @Override
  public synchronized Optional<Preview> preview() {
    return Optional.ofNullable(preview);
  }

  @Override
  public URI url(String service) {
    Preview p = preview().orElseThrow(() -> new IllegalStateException("not provisioned"));
    if (spec.access() == Access.INGRESS) {
      Map<String, List<URI>> urls = p.urlsByService();
      List<URI> candidates = urls.get(service);
      if (candidates == null || candidates.isEmpty()) {
        throw new UnknownServiceException(
            "No ingress route of environment "
                + p.namespace()
                + " leads to service \""
                + service
                + "\"; services with routes: "
                + (urls.isEmpty() ? "none" : String.join(", ", new TreeMap<>(urls).keySet()))
                + ". Use one of them in @ServiceUrl, add an Ingress rule for the service to the"
                + " manifests, or reach it through the API server with "
                + PreviewEnvironment.ACCESS
                + "=port-forward");
      }
    }
    try {
      return p.url(service);
    } catch (PreviewEnvException e) {
      throw new UnknownServiceException(e.getMessage(), e);
    }
  }

  @Override
  public void markFailed() {
    failed.set(true);
  }

  /** Whether a test or the provisioning failed. */
  boolean failed() {
    return failed.get();
  }

  @Override
  public synchronized void close() {
    if (!touched) {
      return; // nothing was sent to the cluster
    }
    closing = true;
    try {
      Runtime.getRuntime().removeShutdownHook(interruptHook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is going: the hook runs (or ran) and reports
    }
    Cleanup retention = spec.retention();
    boolean delete =
        retention == Cleanup.ALWAYS || (retention == Cleanup.ON_SUCCESS && !failed.get());
    if (preview != null) {
      if (failed.get()) {
        preview.markFailed();
      }
      Path diagnostics = delete ? null : writeDiagnostics(preview);
      try {
        preview.close();
      } finally {
        writeCiReport(preview);
      }
      if (!delete) {
        reportKept(diagnostics);
      }
      return;
    }
    // provisioning failed or was interrupted: no handle, tear down by name
    if (cluster.client().namespaces().withName(namespace()).get() == null) {
      log.debug("Environment {} left nothing behind", namespace());
      return;
    }
    if (delete) {
      log.info("Tearing down {} after its provisioning failed", spec.describe());
      (provisioner != null ? provisioner : spec.provisioner(cluster.client()))
          .down(spec.environmentName());
    } else {
      reportKept(spec.diagnosticsDir().resolve(namespace()));
    }
  }

  /**
   * The JVM is shutting down (SIGINT, SIGTERM) while provisioning or the tests run: say so, tear
   * down per retention within {@link #INTERRUPT_BOUND}, and print what is left and who collects it.
   * Runs on the shutdown hook's thread, without this object's lock (the main thread may hold it).
   */
  void onInterrupt() {
    Provisioner p = provisioner;
    if (p == null) {
      return;
    }
    String ns = namespace();
    Preview handle = preview;
    Cleanup retention = spec.retention();
    boolean delete =
        retention == Cleanup.ALWAYS || (retention == Cleanup.ON_SUCCESS && !failed.get());
    String phase =
        closing ? "tearing down" : handle == null ? "provisioning" : "running the tests of";
    System.err.println(
        "PreviewEnv: interrupted (SIGINT/SIGTERM) while "
            + phase
            + " environment "
            + ns
            + "; "
            + (delete
                ? "deleting it (retention "
                    + retention
                    + "), waiting at most "
                    + INTERRUPT_BOUND.toSeconds()
                    + " s"
                : "keeping it (retention "
                    + retention
                    + (failed.get() ? ", a test failed" : "")
                    + ")")
            + ".");
    String left;
    try {
      if (delete) {
        p.withTeardown(Teardown.WAIT).withWaitTimeout(INTERRUPT_BOUND).down(spec.environmentName());
      } else if (handle != null) {
        handle.close(); // stops the heartbeat, releases the lease: kept until its expiry
      }
    } catch (RuntimeException e) {
      log.debug("Teardown after the interrupt of {} did not finish", ns, e);
    }
    try {
      left = p.leftBehind(spec.environmentName());
      if (!delete && handle != null) {
        left =
            "Kept: namespace "
                + ns
                + " (retention "
                + retention
                + "); the janitor deletes it at its expiry. By hand: kubectl"
                + kubectlFlags
                + " delete namespace "
                + ns
                + ".";
      }
    } catch (RuntimeException e) {
      left =
          "Could not read what is left of namespace "
              + ns
              + " ("
              + e.getClass().getSimpleName()
              + "); the janitor deletes it once its owner lease lapses or at its expiry. By hand:"
              + " kubectl"
              + kubectlFlags
              + " delete namespace "
              + ns
              + ".";
    }
    System.err.println("PreviewEnv: " + left);
    System.err.flush();
  }

  /**
   * The CI report of this environment at the end of the run: {@code <diagnostics
   * dir>/<env>/report.json}, and its Markdown appended to {@code $GITHUB_STEP_SUMMARY} when that is
   * set. A report that cannot be written is a warning.
   */
  private void writeCiReport(Preview p) {
    try {
      CiReport report = CiReport.of(p, spec.images());
      if (failed.get()) {
        report = report.withNote("A test using this environment failed.");
      }
      Path file = report.write(spec.diagnosticsDir().resolve(namespace()).resolve("report.json"));
      report.writeStepSummary(System::getenv);
      log.info("PreviewEnv report of environment {}: {}", namespace(), file.toAbsolutePath());
    } catch (RuntimeException e) {
      log.warn("Could not write the report of environment {}: {}", namespace(), e.getMessage());
    }
  }

  private Path writeDiagnostics(Preview p) {
    if (!failed.get()) {
      return p.diagnosticsDirectory();
    }
    try {
      Path summary = p.writeDiagnostics();
      return summary == null ? p.diagnosticsDirectory() : summary;
    } catch (RuntimeException e) {
      log.warn(
          "Could not write diagnostics of environment {} to {}: {}",
          p.namespace(),
          p.diagnosticsDirectory(),
          e.toString());
      return p.diagnosticsDirectory();
    }
  }

  private void reportKept(Path diagnostics) {
    String ns = namespace();
    String why =
        failure != null
            ? "its provisioning failed"
            : failed.get() ? "a test failed" : "retention is " + spec.retention();
    String nl = System.lineSeparator();
    StringBuilder sb = new StringBuilder();
    sb.append("PreviewEnv kept environment ")
        .append(ns)
        .append(" because ")
        .append(why)
        .append(" (retention ")
        .append(spec.retention())
        .append(").")
        .append(nl);
    if (preview != null) {
      new TreeMap<>(preview.urlsByService())
          .forEach(
              (service, urls) ->
                  sb.append("  URL ").append(service).append(": ").append(urls).append(nl));
    }
    sb.append("  Diagnostics: ").append(diagnostics.toAbsolutePath()).append(nl);
    sb.append("  Inspect: kubectl")
        .append(kubectlFlags)
        .append(" get all,ingress,events -n ")
        .append(ns)
        .append(nl);
    sb.append("           kubectl")
        .append(kubectlFlags)
        .append(" describe pods -n ")
        .append(ns)
        .append(nl);
    sb.append("  Delete:  kubectl")
        .append(kubectlFlags)
        .append(" delete namespace ")
        .append(ns)
        .append(nl);
    sb.append("  Otherwise the PreviewEnv janitor deletes it when its TTL has passed.");
    // once, on standard error (where slf4j-simple also writes): not logged as well
    System.err.println(sb);
  }

  private List<String> imageReferences() {
    List<String> refs = new ArrayList<>();
    for (String entry : spec.images()) {
      ImageOverride o = ImageOverride.parse(entry);
      String ref = o.newName().orElse(o.name());
      if (o.newTag().isPresent()) {
        ref += ":" + o.newTag().get();
      }
      if (o.digest().isPresent()) {
        ref += "@" + o.digest().get();
      }
      refs.add(ref);
    }
    return refs;
  }
}
