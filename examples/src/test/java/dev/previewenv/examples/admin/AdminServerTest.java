package dev.previewenv.examples.admin;

import static dev.previewenv.examples.http.Http.get;
import static dev.previewenv.examples.http.Http.loopbackAnyPort;
import static dev.previewenv.examples.http.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.examples.catalog.CatalogServer;
import dev.previewenv.examples.orders.OrdersFixture;
import dev.previewenv.examples.orders.OrdersServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

  private CatalogServer catalog;
  private OrdersServer orders;
  private AdminServer admin;
  private final StoreInspector stores =
      new StoreInspector() {
        @Override
        public Optional<Map<String, Object>> orderRow(String id) throws IOException {
          if (id.equals("500")) {
            throw new IOException("connection refused");
          }
          return id.equals("7")
              ? Optional.of(Map.of("id", "7", "productId", "p-1"))
              : Optional.empty();
        }

        @Override
        public Optional<String> cachedOrder(String id) {
          return id.equals("7") ? Optional.of("{\"id\":\"7\"}") : Optional.empty();
        }
      };

  @BeforeEach
  void start() {
    catalog = CatalogServer.start(loopbackAnyPort(), CatalogServer.DEFAULT_PRODUCTS);
    orders = OrdersFixture.start(loopbackAnyPort(), catalog.baseUri());
    admin = AdminServer.start(loopbackAnyPort(), orders.baseUri(), "Shop <admin>", stores);
  }

  @AfterEach
  void stop() {
    admin.close();
    orders.close();
    catalog.close();
  }

  @Test
  void healthAnswersUp() {
    HttpResponse<String> response = get(URI.create(admin.baseUri() + "/health"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void pageShowsOrderStatisticsFromOrders() {
    post(URI.create(orders.baseUri() + "/orders"), "{\"productId\":\"p-2\",\"quantity\":4}");

    HttpResponse<String> page = get(admin.baseUri());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.body())
        .contains("<title>Shop &lt;admin&gt;</title>")
        .contains("<th>orders</th><td>1</td>")
        .contains("<th>items</th><td>4</td>");
  }

  @Test
  void pageAnswers502WhenOrdersIsDown() {
    orders.close();

    HttpResponse<String> page = get(admin.baseUri());

    assertThat(page.statusCode()).isEqualTo(502);
    assertThat(page.body()).contains("unavailable").contains(orders.baseUri().toString());
  }

  @Test
  void readsTheDataStoresDirectly() {
    HttpResponse<String> row = get(URI.create(admin.baseUri() + "/db/orders/7"));
    HttpResponse<String> cached = get(URI.create(admin.baseUri() + "/cache/orders/7"));

    assertThat(row.statusCode()).isEqualTo(200);
    assertThat(row.body()).contains("\"productId\":\"p-1\"");
    assertThat(cached.statusCode()).isEqualTo(200);
    assertThat(cached.body())
        .isEqualTo("{\"key\":\"order:7\",\"value\":\"{\\\"id\\\":\\\"7\\\"}\"}");
    assertThat(get(URI.create(admin.baseUri() + "/db/orders/8")).statusCode()).isEqualTo(404);
    HttpResponse<String> none = get(URI.create(admin.baseUri() + "/cache/orders/8"));
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("Redis has no order '8'");
    HttpResponse<String> down = get(URI.create(admin.baseUri() + "/db/orders/500"));
    assertThat(down.statusCode()).isEqualTo(502);
    assertThat(down.body()).contains("PostgreSQL could not be read: connection refused");
  }
}
