package dev.previewenv.examples.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running JDK HTTP server of one example service: every service answers {@code GET /health} with
 * 200 {@code {"status":"UP"}}; the service adds its own routes. Closing stops the server and its
 * worker threads.
 */
public class ExampleServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ExampleServer.class);
  private static final int BODY_LIMIT = 64 * 1024;

  private final String name;
  private final HttpServer server;
  private final ExecutorService workers;

  /**
   * Binds {@code address} (port 0 picks a free port) and serves {@code routes} (context path →
   * handler; a context also receives the paths below it) plus {@code /health}.
   */
  protected ExampleServer(String name, InetSocketAddress address, Map<String, HttpHandler> routes) {
    this.name = name;
    try {
      this.server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          name + " cannot listen on " + address + ": " + e.getMessage() + "; choose another PORT",
          e);
    }
    server.createContext("/health", guarded(ex -> sendJson(ex, 200, Map.of("status", "UP"))));
    routes.forEach((path, handler) -> server.createContext(path, guarded(handler)));
    this.workers = Executors.newFixedThreadPool(8, r -> new Thread(r, name + "-http"));
    server.setExecutor(workers);
    server.start();
    log.info("{} listening on {}", name, baseUri());
  }

  /** The URI clients reach this server at, e.g. {@code http://127.0.0.1:8081}. */
  public URI baseUri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
    return URI.create("http://" + host + ":" + a.getPort());
  }

  /** The port bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("{} stopped", name);
  }

  private HttpHandler guarded(HttpHandler handler) {
    return ex -> {
      try {
        handler.handle(ex);
      } catch (RuntimeException | IOException e) {
        log.warn("{}: {} {} failed", name, ex.getRequestMethod(), ex.getRequestURI(), e);
        if (ex.getResponseCode() < 0) {
          sendJson(ex, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
        }
      } finally {
        ex.close();
      }
    };
  }

  /** Sends {@code body} as JSON with {@code status}. */
  public static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json", Json.write(body));
  }

  /** Sends {@code body} with {@code status} and the content type given. */
  public static void send(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Answers 405 naming the methods allowed. */
  public static void methodNotAllowed(HttpExchange ex, String allowed) throws IOException {
    ex.getResponseHeaders().set("Allow", allowed);
    sendJson(
        ex,
        405,
        Map.of("error", ex.getRequestMethod() + " is not allowed here; allowed: " + allowed));
  }

  /** Reads the request body as UTF-8 text (at most 64 KiB). */
  public static String readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(BODY_LIMIT + 1);
      if (bytes.length > BODY_LIMIT) {
        throw new IOException("request body larger than " + BODY_LIMIT + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * The path below {@code context}, without slashes: {@code "/products/p-1"} below {@code
   * "/products"} is {@code "p-1"}; the context itself is {@code ""}.
   */
  public static String subPath(HttpExchange ex, String context) {
    String path = ex.getRequestURI().getPath();
    String rest = path.length() > context.length() ? path.substring(context.length()) : "";
    while (rest.startsWith("/")) {
      rest = rest.substring(1);
    }
    while (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    return rest;
  }
}
