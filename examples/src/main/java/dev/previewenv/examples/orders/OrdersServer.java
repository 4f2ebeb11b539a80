package dev.previewenv.examples.orders;

import com.sun.net.httpserver.HttpExchange;
import dev.previewenv.examples.data.CredentialsCheck;
import dev.previewenv.examples.data.Database;
import dev.previewenv.examples.http.ExampleServer;
import dev.previewenv.examples.http.Json;
import dev.previewenv.examples.http.ServiceEnv;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orders service: {@code POST /orders} with {@code {"productId":"p-1","quantity":2}} checks the
 * product with the catalog, stores the order in PostgreSQL and answers 201 with it (422 for a
 * product the catalog does not know, 502 when the catalog cannot be reached, 503 when PostgreSQL
 * cannot); {@code GET /orders/{id}} reads through the Redis cache: header {@code X-Cache: hit} when
 * Redis had it, {@code miss} when it was read from PostgreSQL (and then cached), {@code
 * unavailable} when Redis could not be asked (read from PostgreSQL); {@code GET /stats} counts
 * orders in PostgreSQL; {@code GET /ready} answers 200 once PostgreSQL (with the seeded schema) and
 * Redis answer, else 503 with the reason. Listens on {@code PORT} (default 8082); finds the catalog
 * through {@code CATALOG_URL} or {@code CATALOG_SERVICE_HOST/PORT}, the data stores as {@link
 * Database.Config#fromEnv} and {@link RedisOrderCache#fromEnv} say.
 */
public final class OrdersServer extends ExampleServer {
  private static final Logger log = LoggerFactory.getLogger(OrdersServer.class);

  /** The port used when {@code PORT} is not set. */
  public static final int DEFAULT_PORT = 8082;

  /** The response header that says where {@code GET /orders/{id}} found the order. */
  public static final String CACHE_HEADER = "X-Cache";

  /** How long an order stays in Redis. */
  static final Duration CACHE_TTL = Duration.ofMinutes(10);

  private OrdersServer(InetSocketAddress address, Routes routes) {
    super(
        "orders",
        address,
        Map.of("/orders", routes::orders, "/stats", routes::stats, "/ready", routes::ready));
  }

  /**
   * Starts an orders service on {@code address} that asks the catalog at {@code catalogUri}, keeps
   * orders in {@code store} and caches reads in {@code cache}.
   */
  static OrdersServer start(
      InetSocketAddress address, URI catalogUri, OrderStore store, OrderCache cache) {
    return new OrdersServer(address, new Routes(new CatalogClient(catalogUri), store, cache));
  }

  /** Runs the orders service until the process is stopped. */
  public static void main(String[] args) {
    ServiceEnv env = ServiceEnv.system();
    Database db = new Database(Database.Config.fromEnv(env), "orders", 8);
    OrdersServer server =
        start(
            env.listenAddress(DEFAULT_PORT),
            env.serviceUrl("catalog"),
            new JdbcOrderStore(db),
            RedisOrderCache.fromEnv(env, CACHE_TTL));
    CredentialsCheck.start("orders", db, Duration.ofSeconds(2));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  db.close();
                },
                "orders-shutdown"));
  }

  private static final class Routes {
    private final CatalogClient catalog;
    private final OrderStore store;
    private final OrderCache cache;

    Routes(CatalogClient catalog, OrderStore store, OrderCache cache) {
      this.catalog = catalog;
      this.store = store;
      this.cache = cache;
    }

    void orders(HttpExchange ex) throws IOException {
      String id = subPath(ex, "/orders");
      if (id.isEmpty() && "POST".equals(ex.getRequestMethod())) {
        create(ex);
      } else if (!id.isEmpty() && "GET".equals(ex.getRequestMethod())) {
        read(ex, id);
      } else {
        methodNotAllowed(ex, id.isEmpty() ? "POST" : "GET");
      }
    }

    private void read(HttpExchange ex, String id) throws IOException {
      String cacheState;
      try {
        Optional<String> cached = cache.get(id);
        if (cached.isPresent()) {
          ex.getResponseHeaders().set(CACHE_HEADER, "hit");
          send(ex, 200, "application/json", cached.get());
          return;
        }
        cacheState = "miss";
      } catch (IOException e) {
        log.warn("orders: Redis could not be asked for order {}: {}", id, e.getMessage());
        cacheState = "unavailable";
      }
      Optional<Order> order;
      try {
        order = store.find(id);
      } catch (OrderStore.StoreException e) {
        sendJson(ex, 503, Map.of("error", e.getMessage()));
        return;
      }
      ex.getResponseHeaders().set(CACHE_HEADER, cacheState);
      if (order.isEmpty()) {
        sendJson(ex, 404, Map.of("error", "no order with id '" + id + "'"));
        return;
      }
      String json = Json.write(order.get().toJson());
      if (cacheState.equals("miss")) {
        try {
          cache.put(id, json);
        } catch (IOException e) {
          log.warn("orders: order {} could not be cached in Redis: {}", id, e.getMessage());
        }
      }
      send(ex, 200, "application/json", json);
    }

    void stats(HttpExchange ex) throws IOException {
      if (!"GET".equals(ex.getRequestMethod())) {
        methodNotAllowed(ex, "GET");
        return;
      }
      OrderStore.Stats s;
      try {
        s = store.stats();
      } catch (OrderStore.StoreException e) {
        sendJson(ex, 503, Map.of("error", e.getMessage()));
        return;
      }
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("orders", s.orders());
      stats.put("items", s.items());
      stats.put("revenueCents", s.revenueCents());
      sendJson(ex, 200, stats);
    }

    void ready(HttpExchange ex) throws IOException {
      try {
        store.checkReady();
        cache.checkReady();
      } catch (OrderStore.StoreException | IOException e) {
        sendJson(ex, 503, Map.of("status", "NOT_READY", "reason", e.getMessage()));
        return;
      }
      sendJson(ex, 200, Map.of("status", "READY"));
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
        Order order = store.insert(productId, quantity, price.get());
        ex.getResponseHeaders().set("Location", "/orders/" + order.id());
        sendJson(ex, 201, order.toJson());
      } catch (CatalogClient.CatalogUnavailableException e) {
        sendJson(ex, 502, Map.of("error", e.getMessage()));
      } catch (OrderStore.StoreException e) {
        sendJson(ex, 503, Map.of("error", e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        sendJson(ex, 503, Map.of("error", "orders is shutting down"));
      }
    }
  }
}
