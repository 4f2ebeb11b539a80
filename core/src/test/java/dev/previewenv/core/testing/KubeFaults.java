package dev.previewenv.core.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Fault injection on the single-node cluster of {@code shared/kube}: {@code kube-up --stop |
 * --restart | --kill COMPONENT} stops, gracefully restarts or crashes (SIGKILL, then starts) one
 * component while the rest and the pods keep running.
 *
 * <p>The kube directory is {@code -Dpreviewenv.kube.dir}, else the environment variable {@code
 * PREVIEWENV_KUBE_DIR}, else {@code <repository>/../shared/kube} (the same default as {@code
 * .ci/run}). Without an executable {@code kube-up} there, {@link #require()} fails the test under
 * {@code CI=true} (a green CI must have run the fault tests) and skips it with the reason
 * otherwise.
 */
public final class KubeFaults {
  /** System property naming the directory holding {@code kube-up}. */
  public static final String DIR_PROPERTY = "previewenv.kube.dir";

  /** Environment variable naming the directory holding {@code kube-up}. */
  public static final String DIR_ENV = "PREVIEWENV_KUBE_DIR";

  private final Path kubeUp;

  private KubeFaults(Path kubeUp) {
    this.kubeUp = kubeUp;
  }

  /** The fault injector, or a skipped (locally) or failed ({@code CI=true}) test. */
  public static KubeFaults require() {
    Optional<Path> found = kubeUp();
    if (found.isPresent()) {
      return new KubeFaults(found.get());
    }
    String reason =
        "No executable kube-up for fault injection in "
            + kubeDir()
            + ": set "
            + DIR_ENV
            + " (or -D"
            + DIR_PROPERTY
            + ") to the shared/kube directory of the single-node cluster";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail("CI=true: the real-cluster fault tests must run. " + reason);
    }
    System.err.println("SKIPPED fault tests: " + reason);
    Assumptions.abort(reason);
    throw new AssertionError("unreachable");
  }

  /** The directory the tests look for {@code kube-up} in. */
  static Path kubeDir() {
    String value = System.getProperty(DIR_PROPERTY);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      value = System.getenv(DIR_ENV);
    }
    if (value != null && !value.isBlank()) {
      return Path.of(value).toAbsolutePath().normalize();
    }
    // the repository root: the first folder upwards from the module that holds .ci/run
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(".ci").resolve("run"))) {
        return d.resolve("..").resolve("shared").resolve("kube").normalize();
      }
    }
    return dir.resolve("..").resolve("..").resolve("shared").resolve("kube").normalize();
  }

  private static Optional<Path> kubeUp() {
    Path p = kubeDir().resolve("kube-up");
    return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }

  /** {@code kube-up --kill component} (SIGKILL, then start), begun now. */
  public Fault kill(String component) {
    return start("kill", component);
  }

  /** {@code kube-up --restart component} (SIGTERM, then start), begun now. */
  public Fault restart(String component) {
    return start("restart", component);
  }

  private Fault start(String action, String component) {
    try {
      Process p =
          new ProcessBuilder(kubeUp.toString(), "--" + action, component)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      System.err.println("FAULT begun: kube-up --" + action + " " + component);
      return new Fault(action, component, p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One running {@code kube-up --kill|--restart COMPONENT}. */
  public static final class Fault {
    private final String action;
    private final String component;
    private final Process process;
    private final long started = System.nanoTime();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CountDownLatch down = new CountDownLatch(1);
    private volatile long downAt;
    private volatile long endedAt;

    Fault(String action, String component, Process process) {
      this.action = action;
      this.component = component;
      this.process = process;
      process.onExit().thenRun(() -> endedAt = System.nanoTime());
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    lines.add(line);
                    System.err.println("FAULT " + line);
                    if (line.contains(component + " killed")
                        || line.contains("stopped " + component)
                        || line.contains(component + " stopped")) {
                      downAt = System.nanoTime();
                      down.countDown();
                    }
                  }
                } catch (IOException e) {
                  lines.add("(reading kube-up's output failed: " + e + ")");
                } finally {
                  down.countDown(); // never leave a waiter hanging
                }
              },
              "kube-fault-" + component);
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits until the component is down (its process gone), bounded; fails if it never was. */
    public void awaitDown() {
      try {
        if (!down.await(60, TimeUnit.SECONDS) || downAt == 0) {
          Assertions.fail(
              "kube-up --"
                  + action
                  + " "
                  + component
                  + " did not report the component down; its output: "
                  + lines);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /**
     * Waits until kube-up has started the component again and it serves (bounded); fails naming its
     * output when it did not. Returns how long the component was down.
     */
    public Duration awaitDone() {
      try {
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
          process.destroy();
          Assertions.fail(
              "kube-up --" + action + " " + component + " did not end in 150 s: " + lines);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (process.exitValue() != 0) {
        Assertions.fail(
            "kube-up --"
                + action
                + " "
                + component
                + " exited with "
                + process.exitValue()
                + ": "
                + lines);
      }
      long end = endedAt == 0 ? System.nanoTime() : endedAt;
      Duration downFor = Duration.ofNanos(end - (downAt == 0 ? started : downAt));
      System.err.println(
          "FAULT done: kube-up --"
              + action
              + " "
              + component
              + " took "
              + Duration.ofNanos(end - started).toMillis()
              + " ms, down for about "
              + downFor.toMillis()
              + " ms");
      return downFor;
    }

    /** Whether kube-up is still running. */
    public boolean running() {
      return process.isAlive();
    }
  }

  /**
   * The components that talk to the API server, in the order {@link #refreshClients} restarts them.
   */
  private static final List<String> API_CLIENTS =
      List.of("kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet");

  /**
   * Restarts (gracefully) every component that watches the API server. Right after the API server
   * restarted it answers 403 until its RBAC caches are synced; the components' watches that relist
   * then back off (client-go: up to 30 s and more), and for the next half minute or so pods were
   * created, scheduled and started late (measured: 44 to 48 s from a Deployment to its pod). Fresh
   * processes list at once, so that the next test, or the next IT class in CI, meets a responsive
   * cluster.
   */
  public void refreshClients(KubernetesClient client) {
    for (String component : API_CLIENTS) {
      Fault f = restart(component);
      f.awaitDone();
    }
    ensureHealthy(client);
    // The controller manager answers on its health port before it has started its controllers;
    // until then it exits (klog.Fatal) when the API server is away for 10 s, as the next fault
    // would make it. Its service account controller making a namespace's "default" account shows
    // it is past that point.
    if (!controllersWork(client)) {
      System.err.println("FAULT controllers did not act within 60 s: running kube-up to repair");
      repair();
      if (!controllersWork(client)) {
        Assertions.fail("the controller manager does not act even after kube-up; see above");
      }
    }
  }

  private static boolean controllersWork(KubernetesClient client) {
    String ns = "previewenv-it-fault-probe-" + Long.toHexString(System.nanoTime());
    try {
      client
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName(ns)
                  .endMetadata()
                  .build())
          .create();
      client
          .serviceAccounts()
          .inNamespace(ns)
          .withName("default")
          .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
      return true;
    } catch (RuntimeException e) {
      return false;
    } finally {
      try {
        client.namespaces().withName(ns).delete();
      } catch (RuntimeException e) {
        System.err.println("FAULT could not delete probe namespace " + ns + ": " + e);
      }
    }
  }

  /**
   * Makes sure the cluster is whole again: the API server answers {@code /readyz}, every node is
   * Ready and every component answers on its health port. Waits a bounded time for that; if it does
   * not come, runs {@code kube-up} (idempotent: it starts again what is down) and waits again.
   * Fails when the cluster is still not healthy, so that the next test does not meet a broken
   * cluster unknowingly.
   */
  public void ensureHealthy(KubernetesClient client) {
    if (awaitHealthy(client, Duration.ofSeconds(60))) {
      return;
    }
    System.err.println("FAULT cluster not healthy after 60 s: running kube-up to repair it");
    repair();
    if (!awaitHealthy(client, Duration.ofSeconds(120))) {
      Assertions.fail("the cluster is not healthy even after kube-up; see its output above");
    }
  }

  /** {@code kube-up}: starts again what is down (the whole cluster, state kept, if need be). */
  private void repair() {
    try {
      Process p =
          new ProcessBuilder(kubeUp.toString())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroy();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean awaitHealthy(KubernetesClient client, Duration within) {
    long end = System.nanoTime() + within.toNanos();
    while (true) {
      if (healthy(client)) {
        return true;
      }
      if (System.nanoTime() > end) {
        return false;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(500); // polling a cluster that may not answer at all
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * The health endpoints of the components on this machine (shared/kube's fixed ports), besides the
   * API server's {@code /readyz}: a component that exited (the controller manager does when the API
   * server refuses it while it starts) is found here.
   */
  private static final List<java.net.URI> COMPONENT_HEALTH =
      List.of(
          java.net.URI.create("http://127.0.0.1:2379/health"), // etcd
          java.net.URI.create("https://127.0.0.1:10257/healthz"), // controller manager
          java.net.URI.create("https://127.0.0.1:10259/healthz"), // scheduler
          java.net.URI.create("http://127.0.0.1:10256/healthz"), // kube-proxy
          java.net.URI.create("http://127.0.0.1:10248/healthz")); // kubelet

  private static final java.net.http.HttpClient LOCAL = localClient();

  /** For the components' own health ports on loopback, which serve self-signed certificates. */
  private static java.net.http.HttpClient localClient() {
    try {
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(
          null,
          new javax.net.ssl.TrustManager[] {
            new javax.net.ssl.X509TrustManager() {
              @Override
              public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

              @Override
              public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

              @Override
              public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
              }
            }
          },
          null);
      javax.net.ssl.SSLParameters params = new javax.net.ssl.SSLParameters();
      params.setEndpointIdentificationAlgorithm(null);
      return java.net.http.HttpClient.newBuilder()
          .sslContext(tls)
          .sslParameters(params)
          .connectTimeout(Duration.ofSeconds(3))
          .build();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every component's health endpoint answers 200. */
  public static boolean componentsHealthy() {
    for (java.net.URI uri : COMPONENT_HEALTH) {
      try {
        java.net.http.HttpResponse<Void> r =
            LOCAL.send(
                java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
          return false;
        }
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * {@code /readyz} answers "ok", every node is Ready and every component's health endpoint
   * answers.
   */
  public static boolean healthy(KubernetesClient client) {
    if (!componentsHealthy()) {
      return false;
    }
    try {
      String ready = client.raw("/readyz");
      if (ready == null || !ready.strip().equals("ok")) {
        return false;
      }
      List<Node> nodes = client.nodes().list().getItems();
      return !nodes.isEmpty()
          && nodes.stream()
              .allMatch(
                  n ->
                      n.getStatus() != null
                          && n.getStatus().getConditions() != null
                          && n.getStatus().getConditions().stream()
                              .anyMatch(KubeFaults::readyTrue));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean readyTrue(NodeCondition c) {
    return "Ready".equals(c.getType()) && "True".equals(c.getStatus());
  }
}
