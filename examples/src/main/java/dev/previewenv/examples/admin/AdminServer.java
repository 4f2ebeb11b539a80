package dev.previewenv.examples.admin;

import com.sun.net.httpserver.HttpExchange;
import dev.previewenv.examples.data.Database;
import dev.previewenv.examples.http.ExampleServer;
import dev.previewenv.examples.http.Json;
import dev.previewenv.examples.http.ServiceEnv;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stand-in for a sensitive admin tool (think pgAdmin): {@code GET /} renders an HTML page with the
 * order statistics of the orders service. It has no login of its own, so its ingress must sit
 * behind OAuth2 Proxy (see {@code deploy/base/admin.yaml}). Listens on {@code PORT} (default 8083);
 * finds orders through {@code ORDERS_URL} or {@code ORDERS_SERVICE_HOST/PORT}.
 *
 * <p>Like pgAdmin and RedisInsight it also reads the data stores directly, bypassing the orders
 * service and its cache: {@code GET /db/orders/{id}} is the order's row in PostgreSQL, {@code GET
 * /cache/orders/{id}} the value Redis holds for it (each 404 when there is none, 502 when the store
 * cannot be read).
 */
public final class AdminServer extends ExampleServer {

  /** The port used when {@code PORT} is not set. */
  public static final int DEFAULT_PORT = 8083;

  private AdminServer(
      InetSocketAddress address, URI ordersUri, String title, StoreInspector stores) {
    super(
        "admin",
        address,
        Map.of(
            "/",
            ex -> page(ex, ordersUri, title),
            "/db/orders",
            ex -> inspect(ex, "/db/orders", "PostgreSQL", stores::orderRow),
            "/cache/orders",
            ex ->
                inspect(
                    ex,
                    "/cache/orders",
                    "Redis",
                    id -> stores.cachedOrder(id).map(v -> cacheEntry(id, v)))));
  }

  /** Starts the admin tool on {@code address}, reading statistics from {@code ordersUri}. */
  public static AdminServer start(InetSocketAddress address, URI ordersUri, String title) {
    return start(address, ordersUri, title, StoreInspector.none());
  }

  /** Starts the admin tool, reading statistics from {@code ordersUri} and the stores' data. */
  public static AdminServer start(
      InetSocketAddress address, URI ordersUri, String title, StoreInspector stores) {
    return new AdminServer(address, ordersUri, title, stores);
  }

  private interface Lookup {
    Optional<Map<String, Object>> find(String id) throws IOException;
  }

  private static Map<String, Object> cacheEntry(String id, String value) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("key", "order:" + id);
    entry.put("value", value);
    return entry;
  }

  private static void inspect(HttpExchange ex, String context, String store, Lookup lookup)
      throws IOException {
    if (!"GET".equals(ex.getRequestMethod())) {
      methodNotAllowed(ex, "GET");
      return;
    }
    String id = subPath(ex, context);
    if (id.isEmpty()) {
      sendJson(ex, 404, Map.of("error", "give an order id: " + context + "/<id>"));
      return;
    }
    Optional<Map<String, Object>> found;
    try {
      found = lookup.find(id);
    } catch (IOException e) {
      sendJson(ex, 502, Map.of("error", store + " could not be read: " + e.getMessage()));
      return;
    }
    if (found.isPresent()) {
      sendJson(ex, 200, found.get());
    } else {
      sendJson(ex, 404, Map.of("error", store + " has no order '" + id + "'"));
    }
  }

  /** Runs the admin tool until the process is stopped. */
  public static void main(String[] args) {
    ServiceEnv env = ServiceEnv.system();
    String title = env.value("ADMIN_TITLE").orElse("Shop admin");
    Database db = new Database(Database.Config.fromEnv(env), "admin", 2);
    StoreInspector stores =
        new DataStoreInspector(
            db,
            env.value("REDIS_SERVICE_HOST").orElse("127.0.0.1"),
            Integer.parseInt(env.value("REDIS_SERVICE_PORT").orElse("6379")),
            env.value("REDIS_PASSWORD").orElse(""));
    AdminServer server =
        start(env.listenAddress(DEFAULT_PORT), env.serviceUrl("orders"), title, stores);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  db.close();
                },
                "admin-shutdown"));
  }

  private static void page(HttpExchange ex, URI ordersUri, String title) throws IOException {
    if (!"/".equals(ex.getRequestURI().getPath())) {
      send(ex, 404, "text/plain", "not found: " + ex.getRequestURI().getPath());
      return;
    }
    if (!"GET".equals(ex.getRequestMethod())) {
      methodNotAllowed(ex, "GET");
      return;
    }
    Map<String, Object> stats;
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(2))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(ordersUri + "/stats"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("orders answered " + response.statusCode());
      }
      stats = Json.parseObject(response.body());
    } catch (IOException | IllegalArgumentException e) {
      send(
          ex,
          502,
          "text/html",
          html(
              title,
              "<p class=\"error\">orders at "
                  + escape(ordersUri.toString())
                  + " is unavailable: "
                  + escape(String.valueOf(e))
                  + "</p>"));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(ex, 503, "text/plain", "admin is shutting down");
      return;
    }
    StringBuilder rows = new StringBuilder("<table>");
    stats.forEach(
        (k, v) ->
            rows.append("<tr><th>")
                .append(escape(k))
                .append("</th><td>")
                .append(escape(String.valueOf(v)))
                .append("</td></tr>"));
    rows.append("</table>");
    send(ex, 200, "text/html", html(title, "<h2>Orders</h2>" + rows));
  }

  private static String html(String title, String body) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>"
        + escape(title)
        + "</title></head><body><h1>"
        + escape(title)
        + "</h1>"
        + body
        + "</body></html>";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
