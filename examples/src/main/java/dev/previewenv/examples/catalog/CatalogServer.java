package dev.previewenv.examples.catalog;

import dev.previewenv.examples.http.ExampleServer;
import dev.previewenv.examples.http.ServiceEnv;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog service: {@code GET /products} lists the products (in memory), {@code GET
 * /products/{id}} returns one or 404. Listens on {@code PORT} (default 8081).
 */
public final class CatalogServer extends ExampleServer {

  /** The port used when {@code PORT} is not set. */
  public static final int DEFAULT_PORT = 8081;

  /** The products every catalog starts with. */
  public static final List<Product> DEFAULT_PRODUCTS =
      List.of(
          new Product("p-1", "Espresso beans 1 kg", 2_490),
          new Product("p-2", "Milk jug", 1_250),
          new Product("p-3", "Grinder", 8_900));

  private CatalogServer(InetSocketAddress address, Map<String, Product> products) {
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
              if (id.isEmpty()) {
                sendJson(ex, 200, products.values().stream().map(Product::toJson).toList());
              } else if (products.containsKey(id)) {
                sendJson(ex, 200, products.get(id).toJson());
              } else {
                sendJson(ex, 404, Map.of("error", "no product with id '" + id + "'"));
              }
            }));
  }

  /** Starts a catalog with {@code products} on {@code address} (port 0: a free port). */
  public static CatalogServer start(InetSocketAddress address, List<Product> products) {
    Map<String, Product> byId = new LinkedHashMap<>();
    products.forEach(p -> byId.put(p.id(), p));
    return new CatalogServer(address, Collections.unmodifiableMap(byId));
  }

  /** Runs the catalog until the process is stopped. */
  public static void main(String[] args) {
    CatalogServer server = start(ServiceEnv.system().listenAddress(DEFAULT_PORT), DEFAULT_PRODUCTS);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "catalog-shutdown"));
  }
}
