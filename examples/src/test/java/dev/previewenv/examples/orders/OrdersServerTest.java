package dev.previewenv.examples.orders;

import static dev.previewenv.examples.http.Http.get;
import static dev.previewenv.examples.http.Http.loopbackAnyPort;
import static dev.previewenv.examples.http.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.examples.catalog.CatalogServer;
import dev.previewenv.examples.catalog.Product;
import dev.previewenv.examples.http.Json;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrdersServerTest {

  private CatalogServer catalog;
  private OrdersServer orders;
  private final MemoryOrderStore store = new MemoryOrderStore();
  private final MapOrderCache cache = new MapOrderCache();

  @BeforeEach
  void start() {
    catalog = CatalogServer.start(loopbackAnyPort(), List.of(new Product("p-1", "Beans", 250)));
    orders = OrdersServer.start(loopbackAnyPort(), catalog.baseUri(), store, cache);
  }

  @AfterEach
  void stop() {
    orders.close();
    catalog.close();
  }

  private URI at(String path) {
    return URI.create(orders.baseUri() + path);
  }

  @Test
  void healthAnswersUp() {
    HttpResponse<String> response = get(at("/health"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.parse(response.body())).isEqualTo(Map.of("status", "UP"));
  }

  @Test
  void createsOrderForCatalogProductWithCatalogPrice() {
    HttpResponse<String> created = post(at("/orders"), "{\"productId\":\"p-1\",\"quantity\":3}");

    assertThat(created.statusCode()).isEqualTo(201);
    Map<String, Object> order = Json.parseObject(created.body());
    assertThat(order)
        .containsEntry("productId", "p-1")
        .containsEntry("quantity", 3L)
        .containsEntry("unitPriceCents", 250L)
        .containsEntry("totalCents", 750L);
    assertThat(created.headers().firstValue("Location")).hasValue("/orders/" + order.get("id"));
  }

  @Test
  void readsCreatedOrderBack() {
    String id =
        Json.parseObject(post(at("/orders"), "{\"productId\":\"p-1\",\"quantity\":1}").body())
            .get("id")
            .toString();

    HttpResponse<String> read = get(at("/orders/" + id));

    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(Json.parseObject(read.body())).containsEntry("id", id).containsEntry("quantity", 1L);
  }

  @Test
  void answers422ForProductUnknownToCatalog() {
    HttpResponse<String> response = post(at("/orders"), "{\"productId\":\"p-404\",\"quantity\":1}");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(Json.parseObject(response.body()).get("error").toString()).contains("p-404");
    assertThat(Json.parseObject(get(at("/stats")).body())).containsEntry("orders", 0L);
  }

  @Test
  void answers502WhenCatalogIsUnreachable() {
    URI deadCatalog = catalog.baseUri();
    catalog.close();

    HttpResponse<String> response = post(at("/orders"), "{\"productId\":\"p-1\",\"quantity\":1}");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(Json.parseObject(response.body()).get("error").toString())
        .contains(deadCatalog.toString())
        .contains("unreachable");
  }

  @Test
  void answers400ForMalformedOrder() {
    assertThat(post(at("/orders"), "{\"productId\":\"p-1\"}").statusCode()).isEqualTo(400);
    assertThat(post(at("/orders"), "{\"productId\":\"p-1\",\"quantity\":0}").statusCode())
        .isEqualTo(400);
    HttpResponse<String> notJson = post(at("/orders"), "productId=p-1");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("invalid JSON");
  }

  @Test
  void answers404ForUnknownOrder() {
    assertThat(get(at("/orders/999")).statusCode()).isEqualTo(404);
  }

  @Test
  void countsOrdersInStats() {
    post(at("/orders"), "{\"productId\":\"p-1\",\"quantity\":2}");
    post(at("/orders"), "{\"productId\":\"p-1\",\"quantity\":1}");

    assertThat(Json.parseObject(get(at("/stats")).body()))
        .containsEntry("orders", 2L)
        .containsEntry("items", 3L)
        .containsEntry("revenueCents", 750L);
  }

  @Test
  void theFirstReadComesFromTheStoreAndIsCachedTheSecondFromTheCache() {
    String id =
        Json.parseObject(post(at("/orders"), "{\"productId\":\"p-1\",\"quantity\":2}").body())
            .get("id")
            .toString();
    assertThat(cache.entries).as("a write does not fill the cache").isEmpty();

    HttpResponse<String> first = get(at("/orders/" + id));
    HttpResponse<String> second = get(at("/orders/" + id));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue(OrdersServer.CACHE_HEADER)).hasValue("miss");
    assertThat(cache.entries).containsEntry(id, first.body());
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue(OrdersServer.CACHE_HEADER)).hasValue("hit");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(store.finds).as("the store was read once").hasValue(1);
  }

  @Test
  void aCachedValueIsServedAsTheCacheHoldsIt() {
    cache.entries.put("41", "{\"id\":\"41\",\"from\":\"cache\"}");

    HttpResponse<String> read = get(at("/orders/41"));

    assertThat(read.headers().firstValue(OrdersServer.CACHE_HEADER)).hasValue("hit");
    assertThat(read.body()).isEqualTo("{\"id\":\"41\",\"from\":\"cache\"}");
    assertThat(store.finds).hasValue(0);
  }

  @Test
  void withTheCacheDownReadsComeFromTheStoreAndSaySo() {
    String id =
        Json.parseObject(post(at("/orders"), "{\"productId\":\"p-1\",\"quantity\":1}").body())
            .get("id")
            .toString();
    cache.down = true;

    HttpResponse<String> read = get(at("/orders/" + id));

    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.headers().firstValue(OrdersServer.CACHE_HEADER)).hasValue("unavailable");
    assertThat(Json.parseObject(read.body())).containsEntry("id", id);
    HttpResponse<String> ready = get(at("/ready"));
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("NOT_READY").contains("Connection refused");
  }

  @Test
  void readyOnlyWhenTheStoreServesAndAStoreFailureIs503WithItsReason() {
    assertThat(get(at("/ready")).statusCode()).isEqualTo(200);

    store.failure =
        "PostgreSQL at jdbc:postgresql://10.0.0.1:5432/shop could not find table orders";

    HttpResponse<String> ready = get(at("/ready"));
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("could not find table orders");
    HttpResponse<String> create = post(at("/orders"), "{\"productId\":\"p-1\",\"quantity\":1}");
    assertThat(create.statusCode()).isEqualTo(503);
    assertThat(get(at("/orders/1")).statusCode()).isEqualTo(503);
  }
}
