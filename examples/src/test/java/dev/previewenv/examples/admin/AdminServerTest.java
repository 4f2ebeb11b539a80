package dev.previewenv.examples.admin;

import static dev.previewenv.examples.http.Http.get;
import static dev.previewenv.examples.http.Http.loopbackAnyPort;
import static dev.previewenv.examples.http.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.examples.catalog.CatalogServer;
import dev.previewenv.examples.orders.OrdersServer;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

  private CatalogServer catalog;
  private OrdersServer orders;
  private AdminServer admin;

  @BeforeEach
  void start() {
    catalog = CatalogServer.start(loopbackAnyPort(), CatalogServer.DEFAULT_PRODUCTS);
    orders = OrdersServer.start(loopbackAnyPort(), catalog.baseUri());
    admin = AdminServer.start(loopbackAnyPort(), orders.baseUri(), "Shop <admin>");
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
}
