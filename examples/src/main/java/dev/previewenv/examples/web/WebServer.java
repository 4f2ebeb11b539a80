package dev.previewenv.examples.web;

import com.sun.net.httpserver.HttpExchange;
import dev.previewenv.examples.http.ExampleServer;
import dev.previewenv.examples.http.ServiceEnv;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The front end: {@code GET /} serves the shop's page, whose script calls the API on the page's own
 * origin ({@code api/products}, {@code api/orders}: relative URLs, so in an environment they go to
 * that environment's host, never to another's); {@code /api/products...} and {@code /api/orders...}
 * are forwarded to the catalog and orders services inside the namespace (method, body, status,
 * {@code Content-Type}, {@code Location} and {@code X-Cache} kept). Listens on {@code PORT}
 * (default 8080); finds the services through {@code CATALOG_URL}/{@code ORDERS_URL} or the
 * Kubernetes variables {@code CATALOG_SERVICE_HOST/PORT}, {@code ORDERS_SERVICE_HOST/PORT}.
 */
public final class WebServer extends ExampleServer {

  /** The port used when {@code PORT} is not set. */
  public static final int DEFAULT_PORT = 8080;

  private static final List<String> FORWARDED_HEADERS = List.of("Location", "X-Cache");

  private WebServer(InetSocketAddress address, String title, URI catalog, URI orders) {
    super("web", address, routes(title, catalog, orders));
  }

  private static Map<String, com.sun.net.httpserver.HttpHandler> routes(
      String title, URI catalog, URI orders) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return Map.of(
        "/",
        ex -> page(ex, title),
        "/api/products",
        ex -> forward(http, ex, "/api", catalog, "catalog"),
        "/api/orders",
        ex -> forward(http, ex, "/api", orders, "orders"));
  }

  /** Starts the front end on {@code address}, forwarding to {@code catalog} and {@code orders}. */
  public static WebServer start(InetSocketAddress address, String title, URI catalog, URI orders) {
    return new WebServer(address, title, catalog, orders);
  }

  /** Runs the front end until the process is stopped. */
  public static void main(String[] args) {
    ServiceEnv env = ServiceEnv.system();
    WebServer server =
        start(
            env.listenAddress(DEFAULT_PORT),
            env.value("SHOP_TITLE").orElse("Shop"),
            env.serviceUrl("catalog"),
            env.serviceUrl("orders"));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "web-shutdown"));
  }

  private static void page(HttpExchange ex, String title) throws IOException {
    if (!"/".equals(ex.getRequestURI().getPath())) {
      send(ex, 404, "text/plain", "not found: " + ex.getRequestURI().getPath());
      return;
    }
    if (!"GET".equals(ex.getRequestMethod())) {
      methodNotAllowed(ex, "GET");
      return;
    }
    send(ex, 200, "text/html", PAGE.replace("{{title}}", escape(title)));
  }

  private static void forward(
      HttpClient http, HttpExchange ex, String prefix, URI target, String service)
      throws IOException {
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("POST")) {
      methodNotAllowed(ex, "GET, POST");
      return;
    }
    URI raw = ex.getRequestURI();
    String path = raw.getRawPath().substring(prefix.length());
    URI uri =
        URI.create(target + path + (raw.getRawQuery() == null ? "" : "?" + raw.getRawQuery()));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (method.equals("POST")) {
      request
          .header(
              "Content-Type",
              ex.getRequestHeaders().getFirst("Content-Type") == null
                  ? "application/json"
                  : ex.getRequestHeaders().getFirst("Content-Type"))
          .POST(HttpRequest.BodyPublishers.ofString(readBody(ex)));
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      sendJson(
          ex,
          502,
          Map.of("error", "the front end could not reach " + service + " at " + target + ": " + e));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sendJson(ex, 503, Map.of("error", "web is shutting down"));
      return;
    }
    response
        .headers()
        .firstValue("Content-Type")
        .ifPresent(v -> ex.getResponseHeaders().set("Content-Type", v));
    for (String h : FORWARDED_HEADERS) {
      response
          .headers()
          .firstValue(h)
          .ifPresent(v -> ex.getResponseHeaders().set(h, h.equals("Location") ? prefix + v : v));
    }
    byte[] body = response.body();
    ex.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** The page: lists the products and places an order, through the API on its own origin. */
  static final String PAGE =
      """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>{{title}}</title></head>
      <body>
      <h1>{{title}}</h1>
      <ul id="products"></ul>
      <p id="status"></p>
      <script>
      const api = "api"; // relative: the environment's own host, e.g. https://<env>.shop.example.com/api
      async function order(productId) {
        const r = await fetch(api + "/orders", {method: "POST",
          headers: {"Content-Type": "application/json"},
          body: JSON.stringify({productId: productId, quantity: 1})});
        const o = await r.json();
        document.getElementById("status").textContent =
          r.ok ? "Order " + o.id + ": " + o.totalCents + " cents" : "Failed: " + o.error;
      }
      fetch(api + "/products").then(r => r.json()).then(products => {
        for (const p of products) {
          const li = document.createElement("li");
          const b = document.createElement("button");
          b.textContent = "Order";
          b.onclick = () => order(p.id);
          li.append(p.name + " (" + p.priceCents + " cents) ", b);
          document.getElementById("products").append(li);
        }
      });
      </script>
      </body></html>
      """;
}
