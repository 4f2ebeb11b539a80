package dev.previewenv.core.reliability;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * fabric8's in-process API server (CRUD mode) behind a fault injector: answers 503 and 429 (with
 * Retry-After, also as {@code Status.details.retryAfterSeconds} like the API server) with given
 * probabilities, delays answers by a random 0-50 ms, and resets connections through {@link
 * ResetProxy}. Seeded, so a run is reproducible up to thread scheduling.
 *
 * <p>{@link #client()} goes through the faults; {@link #direct()} bypasses them (a header marks its
 * requests) for setting up and checking state. Watch requests get no faults: fabric8's informers
 * reconnect watches by themselves, slowly (its own backoff), which is not what is tested here.
 */
public final class FaultyApiServer implements AutoCloseable {
  private static final String DIRECT = "X-PreviewEnv-Test-Direct";

  private final KubernetesMockServer server;
  private final ResetProxy proxy;
  private final KubernetesClient client;
  private final KubernetesClient direct;
  private final Random random;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger injected503 = new AtomicInteger();
  private final AtomicInteger injected429 = new AtomicInteger();
  private volatile double p503;
  private volatile double p429;
  private volatile int maxJitterMillis;
  private volatile Consumer<RecordedRequest> onRequest;
  private volatile Function<RecordedRequest, MockResponse> override;

  public FaultyApiServer(long seed) {
    random = new Random(seed);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
    Dispatcher dispatcher =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return FaultyApiServer.this.dispatch(crud, request);
          }

          @Override
          public void shutdown() {
            crud.shutdown();
          }

          @Override
          public void releaseResources() {
            crud.releaseResources();
          }
        };
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init();
    try {
      proxy = new ResetProxy(server.getPort(), seed + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client = client("http://127.0.0.1:" + proxy.port(), Map.of());
    direct = client("http://127.0.0.1:" + server.getPort(), Map.of(DIRECT, "1"));
  }

  public static KubernetesClient client(String url, Map<String, String> headers) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder()
                .withMasterUrl(url)
                .withTrustCerts(true)
                .withNamespace("default")
                .withRequestRetryBackoffLimit(0)
                .withCustomHeaders(headers)
                .build())
        .build();
  }

  /** Turns the faults of the issue on: 503 10 %, 429 5 %, reset 2 %, 0-50 ms jitter. */
  public void faults(double p503, double p429, double pReset, int maxJitterMillis) {
    this.p503 = p503;
    this.p429 = p429;
    this.maxJitterMillis = maxJitterMillis;
    // a request and its answer are usually one chunk each: split the reset chance between them
    proxy.resetProbability(pReset / 2);
  }

  public void noFaults() {
    faults(0, 0, 0, 0);
  }

  /** Called for every request before it is answered (e.g. to kill a client at the k-th). */
  public void onRequest(Consumer<RecordedRequest> hook) {
    onRequest = hook;
  }

  /** Answers instead of the store where {@code f} returns non-null. */
  public void override(Function<RecordedRequest, MockResponse> f) {
    override = f;
  }

  public KubernetesClient client() {
    return client;
  }

  public KubernetesClient direct() {
    return direct;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  public int requests() {
    return requests.get();
  }

  public String injected() {
    return "503="
        + injected503.get()
        + " 429="
        + injected429.get()
        + " resets="
        + proxy.resets()
        + " requests="
        + requests.get();
  }

  private MockResponse dispatch(KubernetesMixedDispatcher crud, RecordedRequest request) {
    boolean isDirect = request.getHeader(DIRECT) != null;
    if (!isDirect) {
      requests.incrementAndGet();
      Consumer<RecordedRequest> hook = onRequest;
      if (hook != null) {
        hook.accept(request);
      }
    }
    Function<RecordedRequest, MockResponse> o = override;
    if (o != null && !isDirect) {
      MockResponse r = o.apply(request);
      if (r != null) {
        return r;
      }
    }
    boolean watch = request.getPath() != null && request.getPath().contains("watch=true");
    if (isDirect || watch) {
      return crud.dispatch(request);
    }
    double x;
    int jitter;
    synchronized (random) {
      x = random.nextDouble();
      jitter = maxJitterMillis > 0 ? random.nextInt(maxJitterMillis + 1) : 0;
    }
    MockResponse response;
    if (x < p503) {
      injected503.incrementAndGet();
      response =
          status(503, "ServiceUnavailable", "the server is currently unable to handle the request");
    } else if (x < p503 + p429) {
      injected429.incrementAndGet();
      response =
          status(429, "TooManyRequests", "too many requests, please try again later")
              .setHeader("Retry-After", "1")
              .setBody(
                  "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                      + "\"too many requests\",\"reason\":\"TooManyRequests\",\"details\":"
                      + "{\"retryAfterSeconds\":1},\"code\":429}");
    } else {
      response = crud.dispatch(request);
    }
    if (jitter > 0) {
      response.setBodyDelay(jitter, TimeUnit.MILLISECONDS);
    }
    return response;
  }

  public static MockResponse status(int code, String reason, String message) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
                + message
                + "\",\"reason\":\""
                + reason
                + "\",\"code\":"
                + code
                + "}");
  }

  @Override
  public void close() {
    client.close();
    direct.close();
    proxy.close();
    server.destroy();
  }
}
