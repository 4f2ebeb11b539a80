package dev.previewenv.examples.catalog;

import static dev.previewenv.examples.http.Http.get;
import static dev.previewenv.examples.http.Http.loopbackAnyPort;
import static dev.previewenv.examples.http.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.examples.http.Json;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CatalogServerTest {

  private static CatalogServer catalog;

  @BeforeAll
  static void start() {
    catalog =
        CatalogServer.start(
            loopbackAnyPort(),
            List.of(new Product("p-1", "Beans", 2490), new Product("p-9", "Jug \"XL\"", 100)));
  }

  @AfterAll
  static void stop() {
    catalog.close();
  }

  private static URI at(String path) {
    return URI.create(catalog.baseUri() + path);
  }

  @Test
  void listensOnLoopbackPortChosenByTheSystem() {
    assertThat(catalog.port()).isPositive();
    assertThat(catalog.baseUri().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void healthAnswersUp() {
    HttpResponse<String> response = get(at("/health"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.parse(response.body())).isEqualTo(Map.of("status", "UP"));
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
  }

  @Test
  void listsAllProductsInOrder() {
    HttpResponse<String> response = get(at("/products"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.parse(response.body()))
        .isEqualTo(
            List.of(
                Map.of("id", "p-1", "name", "Beans", "priceCents", 2490L),
                Map.of("id", "p-9", "name", "Jug \"XL\"", "priceCents", 100L)));
  }

  @Test
  void returnsOneProductById() {
    HttpResponse<String> response = get(at("/products/p-9"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.parseObject(response.body())).containsEntry("name", "Jug \"XL\"");
  }

  @Test
  void answers404ForUnknownProduct() {
    HttpResponse<String> response = get(at("/products/nope"));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Json.parseObject(response.body()).get("error").toString()).contains("'nope'");
  }

  @Test
  void refusesWritesWith405() {
    HttpResponse<String> response = post(at("/products"), "{}");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void answers404OutsideItsRoutes() {
    assertThat(get(at("/nothing-here")).statusCode()).isEqualTo(404);
  }
}
