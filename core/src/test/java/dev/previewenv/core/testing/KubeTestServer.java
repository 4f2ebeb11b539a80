package dev.previewenv.core.testing;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Vertx;
import java.lang.reflect.Field;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's in-process API server in CRUD mode plus a client, for tests: {@code try (var kube = new
 * KubeTestServer()) { kube.client()... }}.
 *
 * <p>Objects are stored and served like an API server would (create, get, list, update, patch,
 * delete, watch) but nothing acts on them: no controllers, no kubelet, no garbage collection, no
 * admission. {@link ControllerSimulator} adds a small stand-in for those. Expectations registered
 * through {@link #server()}{@code .expect()} take precedence over the CRUD store.
 *
 * <p>Container logs ({@code GET .../pods/<pod>/log}) are not stored by the CRUD mode; this server
 * answers them from {@link #putLog}, honouring the {@code container}, {@code previous} and {@code
 * tailLines} query parameters, and answers 400 (as the API server does for a container without a
 * previous instance) when no log was put.
 */
public final class KubeTestServer implements AutoCloseable {
  private static final Pattern LOG_PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(?:\\?(.*))?");

  /** How long {@link #close()} waits for the server's vert.x to stop after its own 10 s failed. */
  static final Duration VERTX_CLOSE_WAIT = Duration.ofSeconds(60);

  private final MockWebServer web;
  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;
  private final Map<String, String> logs = new ConcurrentHashMap<>();
  private volatile UnaryOperator<RecordedRequest> requestRewriter;

  /** Starts the server on a free local port (plain HTTP) and creates a client for it. */
  public KubeTestServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
    Dispatcher dispatcher =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if ("GET".equalsIgnoreCase(request.getMethod())) {
              Matcher m = LOG_PATH.matcher(request.getPath());
              if (m.matches()) {
                return servedLog(m.group(1), m.group(2), query(m.group(3)));
              }
            }
            UnaryOperator<RecordedRequest> rewrite = requestRewriter;
            return crud.dispatch(rewrite == null ? request : rewrite.apply(request));
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
    web = new MockWebServer();
    server = new KubernetesMockServer(new Context(), web, responses, dispatcher, false);
    server.init();
    client = server.createClient();
  }

  /** A client for this server; closed by {@link #close()}. */
  public NamespacedKubernetesClient client() {
    return client;
  }

  /** The underlying mock server, for expectations ({@code expect()}) and recorded requests. */
  public KubernetesMockServer server() {
    return server;
  }

  /**
   * Stores the log text served for a container of a pod ({@code previous} for the previous,
   * terminated instance of that container).
   */
  public void putLog(
      String namespace, String pod, String container, boolean previous, String text) {
    logs.put(logKey(namespace, pod, container, previous), text);
  }

  /** The log text stored for a container, if any. */
  public Optional<String> log(String namespace, String pod, String container, boolean previous) {
    return Optional.ofNullable(logs.get(logKey(namespace, pod, container, previous)));
  }

  /**
   * Lets the simulator adjust requests before the CRUD store sees them (e.g. give new namespaces
   * the finalizer that keeps them {@code Terminating}); {@code null} removes the rewriter.
   */
  void rewriteRequests(UnaryOperator<RecordedRequest> rewriter) {
    requestRewriter = rewriter;
  }

  private static String logKey(String namespace, String pod, String container, boolean previous) {
    return namespace + "/" + pod + "/" + container + (previous ? "/previous" : "");
  }

  private MockResponse servedLog(String namespace, String pod, Map<String, String> query) {
    String container = query.get("container");
    boolean previous = Boolean.parseBoolean(query.getOrDefault("previous", "false"));
    String text = null;
    if (container != null) {
      text = logs.get(logKey(namespace, pod, container, previous));
    } else {
      String prefix = namespace + "/" + pod + "/";
      List<String> keys =
          logs.keySet().stream()
              .filter(k -> k.startsWith(prefix) && k.endsWith("/previous") == previous)
              .toList();
      if (keys.size() == 1) {
        text = logs.get(keys.get(0));
      }
    }
    if (text == null) {
      String what = previous ? "previous terminated container" : "container";
      return new MockResponse()
          .setResponseCode(400)
          .setHeader("Content-Type", "application/json")
          .setBody(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
                  + what
                  + " \\\""
                  + container
                  + "\\\" in pod \\\""
                  + pod
                  + "\\\" not found\",\"reason\":\"BadRequest\",\"code\":400}");
    }
    String tail = query.get("tailLines");
    if (tail != null) {
      text = tail(text, Integer.parseInt(tail));
    }
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "text/plain")
        .setBody(text);
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int end = all.length;
    if (end > 0 && all[end - 1].isEmpty()) {
      end--;
    }
    int start = Math.max(0, end - lines);
    String joined = String.join("\n", Arrays.copyOfRange(all, start, end));
    return end > start && text.endsWith("\n") ? joined + "\n" : joined;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // "Unable to close MockWebServer": its vert.x shutdown waits a fixed 10 s, which a loaded
      // 2-core machine can miss while watch connections drain. The test's assertions have run;
      // failing it for a slow shutdown of the fake server would only make the suite flaky. But
      // the mock server gives up before closing its vert.x, whose event-loop threads are not
      // daemons: left running they keep the JVM alive after main ends (the benchmark command
      // never exited). Close it here, waiting as long as it takes within VERTX_CLOSE_WAIT.
      System.err.println("KubeTestServer: " + e.getMessage() + " (closing its vert.x anyway)");
      closeVertx(web);
    }
  }

  /** Closes the vert.x instance a {@link MockWebServer} created for itself and waits for it. */
  static void closeVertx(MockWebServer web) {
    Vertx vertx;
    try {
      Field f = MockWebServer.class.getDeclaredField("vertx");
      f.setAccessible(true);
      vertx = (Vertx) f.get(web);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot reach MockWebServer.vertx to close it; KubeTestServer is written against"
              + " fabric8 mockwebserver 8.0.0, check the version in use",
          e);
    }
    try {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(VERTX_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      System.err.println("KubeTestServer: vert.x of the mock server did not close: " + e);
    }
  }
}
