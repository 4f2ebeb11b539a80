package dev.previewenv.examples.load;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a bounded number of HTTP requests with a bounded concurrency and measures them. Request
 * {@code i} is step {@code i % steps.size()}: a fixed, reproducible mix. Nothing is retried; each
 * request has a timeout, so a run ends after at most {@code requests / concurrency} timeouts.
 */
public final class LoadHarness {
  private static final Logger log = LoggerFactory.getLogger(LoadHarness.class);

  /** The most requests one run may send. */
  public static final int MAX_REQUESTS = 100_000;

  /** The most requests one run may have in flight. */
  public static final int MAX_CONCURRENCY = 64;

  /**
   * One kind of request of the mix.
   *
   * @param name for the report, e.g. {@code POST /orders}
   * @param request sent as it is (HttpRequest is immutable)
   * @param expectedStatus the status that counts as success
   * @param tallyHeader a response header whose values the report counts (e.g. {@code X-Cache}), or
   *     null
   */
  public record Step(String name, HttpRequest request, int expectedStatus, String tallyHeader) {
    /** A step whose responses' headers are not counted. */
    public Step(String name, HttpRequest request, int expectedStatus) {
      this(name, request, expectedStatus, null);
    }
  }

  private final int requests;
  private final int concurrency;
  private final Duration requestTimeout;

  /**
   * @throws IllegalArgumentException when requests is outside 1..{@value #MAX_REQUESTS} or
   *     concurrency outside 1..{@value #MAX_CONCURRENCY}
   */
  public LoadHarness(int requests, int concurrency, Duration requestTimeout) {
    if (requests < 1 || requests > MAX_REQUESTS) {
      throw new IllegalArgumentException(
          "requests must be 1 to " + MAX_REQUESTS + ", was " + requests);
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException(
          "concurrency must be 1 to " + MAX_CONCURRENCY + ", was " + concurrency);
    }
    this.requests = requests;
    this.concurrency = concurrency;
    this.requestTimeout = requestTimeout;
  }

  /** Runs the mix and reports; blocks until every request is answered or timed out. */
  public LoadReport run(List<Step> steps) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("no steps: give at least one request to send");
    }
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(requestTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    long[] latencies = new long[requests];
    boolean[] ok = new boolean[requests];
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> tallies = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(concurrency, r -> new Thread(r, "load-worker"));
    log.info("Sending {} requests, {} at a time", requests, concurrency);
    long start = System.nanoTime();
    try {
      for (int w = 0; w < concurrency; w++) {
        workers.execute(
            () -> {
              for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                Step step = steps.get(i % steps.size());
                String failure = send(http, step, latencies, ok, i, tallies);
                if (failure != null) {
                  failures
                      .computeIfAbsent(step.name() + ": " + failure, k -> new AtomicInteger())
                      .incrementAndGet();
                }
              }
            });
      }
      workers.shutdown();
      long bound = requestTimeout.toMillis() * ((long) requests / concurrency + 2);
      if (!workers.awaitTermination(bound, TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
        throw new IllegalStateException(
            "the load run did not end within " + bound + " ms although every request times out");
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the load run", e);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    int succeeded = 0;
    for (boolean b : ok) {
      succeeded += b ? 1 : 0;
    }
    long[] okLatencies = new long[succeeded];
    for (int i = 0, j = 0; i < requests; i++) {
      if (ok[i]) {
        okLatencies[j++] = latencies[i];
      }
    }
    Map<String, Integer> counted = new ConcurrentHashMap<>();
    failures.forEach((k, v) -> counted.put(k, v.get()));
    Map<String, Percentiles> byStep = new java.util.LinkedHashMap<>();
    for (int s = 0; s < steps.size(); s++) {
      int n = 0;
      for (int i = s; i < requests; i += steps.size()) {
        n += ok[i] ? 1 : 0;
      }
      long[] values = new long[n];
      for (int i = s, j = 0; i < requests; i += steps.size()) {
        if (ok[i]) {
          values[j++] = latencies[i];
        }
      }
      if (n > 0) {
        byStep.put(steps.get(s).name(), Percentiles.of(values));
      }
    }
    Map<String, Integer> tallied = new java.util.TreeMap<>();
    tallies.forEach((k, v) -> tallied.put(k, v.get()));
    return new LoadReport(
        requests,
        succeeded,
        counted,
        elapsed,
        concurrency,
        Percentiles.of(okLatencies),
        byStep,
        tallied);
  }

  /** Sends request {@code i}; returns null on success, else the reason. */
  private String send(
      HttpClient http,
      Step step,
      long[] latencies,
      boolean[] ok,
      int i,
      Map<String, AtomicInteger> tallies) {
    HttpRequest request =
        HttpRequest.newBuilder(step.request(), (n, v) -> true).timeout(requestTimeout).build();
    long t0 = System.nanoTime();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      long micros = (System.nanoTime() - t0) / 1000;
      if (response.statusCode() != step.expectedStatus()) {
        return "status " + response.statusCode();
      }
      latencies[i] = micros;
      ok[i] = true;
      if (step.tallyHeader() != null) {
        String value = response.headers().firstValue(step.tallyHeader()).orElse("(none)");
        tallies
            .computeIfAbsent(
                step.name() + ": " + step.tallyHeader() + " " + value, k -> new AtomicInteger())
            .incrementAndGet();
      }
      return null;
    } catch (IOException e) {
      return e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
