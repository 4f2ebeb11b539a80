package dev.previewenv.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The harness against an in-process HTTP server on loopback. */
class LoadHarnessTest {
  HttpServer server;
  ExecutorService executor = Executors.newFixedThreadPool(8);
  final AtomicInteger gets = new AtomicInteger();
  final AtomicInteger posts = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/ok",
        ex -> {
          int now = inFlight.incrementAndGet();
          maxInFlight.accumulateAndGet(now, Math::max);
          ex.getResponseHeaders().set("X-Served-By", gets.incrementAndGet() % 2 == 0 ? "a" : "b");
          ex.sendResponseHeaders(200, -1);
          ex.close();
          inFlight.decrementAndGet();
        });
    server.createContext(
        "/flaky",
        ex -> {
          int n = posts.incrementAndGet();
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(n % 5 == 0 ? 502 : 201, -1);
          ex.close();
        });
    server.setExecutor(executor);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void sendsExactlyTheBoundedNumberOfRequestsInTheStepMixAndCountsFailures() {
    List<LoadHarness.Step> steps =
        List.of(
            new LoadHarness.Step(
                "GET /ok", HttpRequest.newBuilder(uri("/ok")).build(), 200, "X-Served-By"),
            new LoadHarness.Step(
                "POST /flaky",
                HttpRequest.newBuilder(uri("/flaky"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                201));

    LoadReport report = new LoadHarness(50, 4, Duration.ofSeconds(10)).run(steps);

    assertThat(gets.get()).isEqualTo(25);
    assertThat(posts.get()).isEqualTo(25);
    assertThat(report.requests()).isEqualTo(50);
    assertThat(report.failed()).isEqualTo(5);
    assertThat(report.succeeded()).isEqualTo(45);
    assertThat(report.failures())
        .containsExactly(java.util.Map.entry("POST /flaky: status 502", 5));
    assertThat(report.latencyMicros().count()).isEqualTo(45);
    assertThat(report.latencyMillis(50)).isPositive();
    assertThat(report.latencyMillis(99)).isGreaterThanOrEqualTo(report.latencyMillis(90));
    assertThat(report.latencyMillis(90)).isGreaterThanOrEqualTo(report.latencyMillis(50));
    assertThat(report.throughputPerSecond()).isPositive();
    assertThat(maxInFlight.get()).isBetween(1, 4);
    assertThat(report.render())
        .contains("requests 50 (concurrency 4): 45 ok, 5 failed")
        .contains("throughput")
        .contains("latency ms: p50")
        .contains("failed: 5 x POST /flaky: status 502")
        .containsPattern("  GET /ok: 25 ok, p50 \\d+\\.\\d, p90 \\d+\\.\\d, p99 \\d+\\.\\d ms")
        .containsPattern("  POST /flaky: 20 ok, p50 ")
        .contains("  GET /ok: X-Served-By a: 12")
        .contains("  GET /ok: X-Served-By b: 13");
    assertThat(report.latencyByStep().keySet()).containsExactly("GET /ok", "POST /flaky");
  }

  @Test
  void unreachableTargetCountsEveryRequestAsFailedWithoutLatencies() throws IOException {
    URI closed;
    try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }
    LoadReport report =
        new LoadHarness(6, 2, Duration.ofSeconds(5))
            .run(
                List.of(
                    new LoadHarness.Step("GET /", HttpRequest.newBuilder(closed).build(), 200)));

    assertThat(report.succeeded()).isZero();
    assertThat(report.failures()).containsOnlyKeys("GET /: ConnectException");
    assertThat(report.render()).contains("no successful request");
  }

  @Test
  void refusesUnboundedRuns() {
    assertThatThrownBy(() -> new LoadHarness(0, 1, Duration.ofSeconds(1)))
        .hasMessageContaining("requests must be 1 to 100000");
    assertThatThrownBy(() -> new LoadHarness(100_001, 1, Duration.ofSeconds(1)))
        .hasMessageContaining("requests must be 1 to 100000");
    assertThatThrownBy(() -> new LoadHarness(10, 65, Duration.ofSeconds(1)))
        .hasMessageContaining("concurrency must be 1 to 64");
  }
}
