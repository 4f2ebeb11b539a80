package dev.previewenv.examples.web;

import static dev.previewenv.examples.http.Http.get;
import static dev.previewenv.examples.http.Http.loopbackAnyPort;
import static dev.previewenv.examples.http.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.examples.catalog.CatalogServer;
import dev.previewenv.examples.http.Json;
import dev.previewenv.examples.orders.OrdersFixture;
import dev.previewenv.examples.orders.OrdersServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebServerTest {
  private CatalogServer catalog;
  private OrdersServer orders;
  private WebServer web;

  @BeforeEach
  void start() {
    catalog = CatalogServer.start(loopbackAnyPort(), CatalogServer.DEFAULT_PRODUCTS);
    orders = OrdersFixture.start(loopbackAnyPort(), catalog.baseUri());
    web = WebServer.start(loopbackAnyPort(), "Shop <preview>", catalog.baseUri(), orders.baseUri());
  }

  @AfterEach
  void stop() {
    web.close();
    orders.close();
    catalog.close();
  }

  private URI at(String path) {
    return URI.create(web.baseUri() + path);
  }

  @Test
  void thePageCallsTheApiOnItsOwnOrigin() {
    HttpResponse<String> page = get(at("/"));

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.body())
        .contains("<title>Shop &lt;preview&gt;</title>")
        .contains("const api = \"api\";")
        .contains("fetch(api + \"/products\")")
        .contains("fetch(api + \"/orders\"")
        .doesNotContain("http://");
    assertThat(get(at("/nothing")).statusCode()).isEqualTo(404);
  }

  @Test
  void theApiIsReachedThroughTheFrontEnd() {
    HttpResponse<String> products = get(at("/api/products"));
    assertThat(products.statusCode()).isEqualTo(200);
    assertThat((List<?>) Json.parse(products.body())).hasSize(3);

    HttpResponse<String> created =
        post(at("/api/orders"), "{\"productId\":\"p-2\",\"quantity\":2}");
    assertThat(created.statusCode()).isEqualTo(201);
    Map<String, Object> order = Json.parseObject(created.body());
    assertThat(order).containsEntry("unitPriceCents", 8900L);
    assertThat(created.headers().firstValue("Location")).hasValue("/api/orders/" + order.get("id"));

    HttpResponse<String> first = get(at("/api/orders/" + order.get("id")));
    HttpResponse<String> second = get(at("/api/orders/" + order.get("id")));
    assertThat(first.headers().firstValue("X-Cache")).hasValue("miss");
    assertThat(second.headers().firstValue("X-Cache")).hasValue("hit");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(post(at("/api/orders"), "{\"productId\":\"p-404\",\"quantity\":1}").statusCode())
        .isEqualTo(422);
  }

  @Test
  void anUnreachableServiceIs502NamingIt() {
    URI dead = catalog.baseUri();
    catalog.close();

    HttpResponse<String> products = get(at("/api/products"));

    assertThat(products.statusCode()).isEqualTo(502);
    assertThat(products.body()).contains("could not reach catalog at " + dead);
  }
}
