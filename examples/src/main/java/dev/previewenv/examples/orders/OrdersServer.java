package dev.previewenv.examples.orders;

import com.sun.net.httpserver.HttpExchange;
import dev.previewenv.examples.http.ExampleServer;
import dev.previewenv.examples.http.Json;
import dev.previewenv.examples.http.ServiceEnv;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The orders service: {@code POST /orders} with {@code {"productId":"p-1","quantity":2}} checks the
 * product with the catalog and answers 201 with the order (422 for a product the catalog does not
 * know, 502 when the catalog cannot be reached); {@code GET /orders/{id}} returns an order or 404;
 * {@code GET /stats} counts orders. Listens on {@code PORT} (default 8082); finds the catalog
 * through {@code CATALOG_URL} or the Kubernetes variables {@code CATALOG_SERVICE_HOST/PORT}.
 */
public final class OrdersServer extends ExampleServer {

  /** The port used when {@code PORT} is not set. */
  public static final int DEFAULT_PORT = 8082;

  private OrdersServer(InetSocketAddress address, Store store) {
    super("orders", address, Map.of("/orders", store::orders, "/stats", store::stats));
  }

  /** Starts an orders service on {@code address} that asks the catalog at {@code catalogUri}. */
  public static OrdersServer start(InetSocketAddress address, URI catalogUri) {
    return new OrdersServer(address, new Store(new CatalogClient(catalogUri)));
  }

  /** Runs the orders service until the process is stopped. */
  public static void main(String[] args) {
    ServiceEnv env = ServiceEnv.system();
    OrdersServer server = start(env.listenAddress(DEFAULT_PORT), env.serviceUrl("catalog"));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "orders-shutdown"));
  }

  private static final class Store {
    private final CatalogClient catalog;
    private final ConcurrentMap<String, Order> orders = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    Store(CatalogClient catalog) {
      this.catalog = catalog;
    }

    void orders(HttpExchange ex) throws IOException {
      String id = subPath(ex, "/orders");
      if (id.isEmpty() && "POST".equals(ex.getRequestMethod())) {
        create(ex);
      } else if (!id.isEmpty() && "GET".equals(ex.getRequestMethod())) {
        Order order = orders.get(id);
        if (order == null) {
          sendJson(ex, 404, Map.of("error", "no order with id '" + id + "'"));
        } else {
          sendJson(ex, 200, order.toJson());
        }
      } else {
        methodNotAllowed(ex, id.isEmpty() ? "POST" : "GET");
      }
    }

    void stats(HttpExchange ex) throws IOException {
      if (!"GET".equals(ex.getRequestMethod())) {
        methodNotAllowed(ex, "GET");
        return;
      }
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("orders", orders.size());
      stats.put("items", orders.values().stream().mapToLong(Order::quantity).sum());
      stats.put("revenueCents", orders.values().stream().mapToLong(Order::totalCents).sum());
      sendJson(ex, 200, stats);
    }

    private void create(HttpExchange ex) throws IOException {
      String productId;
      int quantity;
      try {
        Map<String, Object> body = Json.parseObject(readBody(ex));
        if (!(body.get("productId") instanceof String p) || p.isBlank()) {
          throw new IllegalArgumentException("productId must be a non-blank string");
        }
        if (!(body.get("quantity") instanceof Long q) || q < 1 || q > 10_000) {
          throw new IllegalArgumentException("quantity must be an integer 1..10000");
        }
        productId = p;
        quantity = q.intValue();
      } catch (IllegalArgumentException e) {
        sendJson(
            ex,
            400,
            Map.of(
                "error",
                "bad order: " + e.getMessage() + "; send {\"productId\":\"p-1\",\"quantity\":1}"));
        return;
      }
      try {
        var price = catalog.priceOf(productId);
        if (price.isEmpty()) {
          sendJson(ex, 422, Map.of("error", "the catalog has no product '" + productId + "'"));
          return;
        }
        Order order =
            new Order(Long.toString(nextId.getAndIncrement()), productId, quantity, price.get());
        orders.put(order.id(), order);
        ex.getResponseHeaders().set("Location", "/orders/" + order.id());
        sendJson(ex, 201, order.toJson());
      } catch (CatalogClient.CatalogUnavailableException e) {
        sendJson(ex, 502, Map.of("error", e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        sendJson(ex, 503, Map.of("error", "orders is shutting down"));
      }
    }
  }
}
