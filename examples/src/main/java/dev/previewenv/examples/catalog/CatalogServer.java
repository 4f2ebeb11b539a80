package dev.previewenv.examples.catalog;

import dev.previewenv.examples.data.CredentialsCheck;
import dev.previewenv.examples.data.Database;
import dev.previewenv.examples.http.ExampleServer;
import dev.previewenv.examples.http.ServiceEnv;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog service: {@code GET /products} lists the products, {@code GET /products/{id}} returns
 * one or 404, {@code GET /ready} answers 200 once there are products (503 with the reason before).
 * In the stack the products are in PostgreSQL, loaded by the environment's seed ({@link
 * Database.Config#fromEnv} says where). Listens on {@code PORT} (default 8081).
 */
public final class CatalogServer extends ExampleServer {

  /** The port used when {@code PORT} is not set. */
  public static final int DEFAULT_PORT = 8081;

  /** Products for tests and local runs without a database. */
  public static final List<Product> DEFAULT_PRODUCTS =
      List.of(
          new Product("p-1", "Espresso beans", 1_290),
          new Product("p-2", "Grinder", 8_900),
          new Product("p-3", "Milk jug", 1_450));

  private CatalogServer(InetSocketAddress address, ProductSource products) {
    super(
        "catalog",
        address,
        Map.of(
            "/products",
            ex -> {
              if (!"GET".equals(ex.getRequestMethod())) {
                methodNotAllowed(ex, "GET");
                return;
              }
              String id = subPath(ex, "/products");
              try {
                if (id.isEmpty()) {
                  sendJson(ex, 200, products.all().stream().map(Product::toJson).toList());
                  return;
                }
                Optional<Product> product = products.byId(id);
                if (product.isPresent()) {
                  sendJson(ex, 200, product.get().toJson());
                } else {
                  sendJson(ex, 404, Map.of("error", "no product with id '" + id + "'"));
                }
              } catch (ProductSource.ProductsUnavailableException e) {
                sendJson(ex, 503, Map.of("error", e.getMessage()));
              }
            },
            "/ready",
            ex -> {
              try {
                products.checkReady();
                sendJson(ex, 200, Map.of("status", "READY"));
              } catch (ProductSource.ProductsUnavailableException e) {
                sendJson(ex, 503, Map.of("status", "NOT_READY", "reason", e.getMessage()));
              }
            }));
  }

  /** Starts a catalog with {@code products} on {@code address} (port 0: a free port). */
  public static CatalogServer start(InetSocketAddress address, List<Product> products) {
    return start(address, ProductSource.of(products));
  }

  /** Starts a catalog reading {@code products} on {@code address}. */
  public static CatalogServer start(InetSocketAddress address, ProductSource products) {
    return new CatalogServer(address, products);
  }

  /** Runs the catalog on the stack's PostgreSQL until the process is stopped. */
  public static void main(String[] args) {
    ServiceEnv env = ServiceEnv.system();
    Database db = new Database(Database.Config.fromEnv(env), "catalog", 8);
    CatalogServer server = start(env.listenAddress(DEFAULT_PORT), new JdbcProductSource(db));
    CredentialsCheck.start("catalog", db, Duration.ofSeconds(2));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  db.close();
                },
                "catalog-shutdown"));
  }
}
