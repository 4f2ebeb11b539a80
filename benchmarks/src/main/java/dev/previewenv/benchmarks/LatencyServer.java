package dev.previewenv.benchmarks;

import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The in-process API server ({@link KubeTestServer}, CRUD mode) with the {@link
 * ControllerSimulator} (readiness and Terminating at once: zero delays, no timers) and a measured
 * client whose requests see {@link #rtt(Duration) an injected round trip}. {@link #setupClient()}
 * is undelayed and not counted, for arranging data.
 */
final class LatencyServer implements AutoCloseable {
  static final String MEASURED_AGENT = "previewenv-bench";

  /** The bearer token that marks a kubeconfig-built client's requests as measured. */
  static final String MEASURED_TOKEN = "previewenv-bench-measured";

  private final KubeTestServer kube;
  private final ControllerSimulator simulator;
  private final DelayingDispatcher dispatcher;
  private final ScheduledExecutorService scheduler;
  private final KubernetesClient client;

  LatencyServer(Duration rtt) {
    this(rtt, true);
  }

  LatencyServer(Duration rtt, boolean simulate) {
    this(rtt, simulate ? instantControllers().build() : null);
  }

  /** Simulator options with no delays: controllers act at once, without timers. */
  static SimulatorOptions.Builder instantControllers() {
    return SimulatorOptions.builder()
        .readyDelay(Duration.ZERO)
        .namespaceTerminatingFor(Duration.ZERO)
        .retryInterval(Duration.ZERO);
  }

  /** With {@code options == null}: no simulator. */
  LatencyServer(Duration rtt, SimulatorOptions options) {
    kube = new KubeTestServer();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-watch-latency");
              t.setDaemon(true);
              return t;
            });
    MockWebServer web =
        field(DefaultMockServer.class, kube.server(), "server", MockWebServer.class);
    Dispatcher original = field(MockWebServer.class, web, "dispatcher", Dispatcher.class);
    dispatcher = new DelayingDispatcher(original, MEASURED_AGENT, MEASURED_TOKEN, scheduler);
    dispatcher.rtt(rtt);
    web.setDispatcher(dispatcher);
    simulator = options == null ? null : ControllerSimulator.start(kube, options);
    Config config =
        new ConfigBuilder(kube.client().getConfiguration()).withUserAgent(MEASURED_AGENT).build();
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The client whose requests are delayed and counted. */
  KubernetesClient client() {
    return client;
  }

  /** An undelayed, uncounted client for arranging data and for checks. */
  KubernetesClient setupClient() {
    return kube.client();
  }

  KubeTestServer kube() {
    return kube;
  }

  void rtt(Duration rtt) {
    dispatcher.rtt(rtt);
  }

  Duration rtt() {
    return dispatcher.rtt();
  }

  RequestCount count() {
    return dispatcher.count();
  }

  void resetCount() {
    dispatcher.resetCount();
  }

  private static <T> T field(Class<?> owner, Object target, String name, Class<T> type) {
    try {
      Field f = owner.getDeclaredField(name);
      f.setAccessible(true);
      return type.cast(f.get(target));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot reach "
              + owner.getName()
              + "."
              + name
              + " to inject latency; the harness is written against fabric8 mockwebserver"
              + " 8.0.0, check the version in use",
          e);
    }
  }

  @Override
  public void close() {
    client.close();
    if (simulator != null) {
      simulator.close();
    }
    kube.close();
    scheduler.shutdownNow();
  }
}
