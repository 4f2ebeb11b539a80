package dev.previewenv.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.previewenv.junit.ServiceUrl;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data path of the stack: the seed's rows are what the catalog serves, and an order written
 * through the API is a row in PostgreSQL whose second read is served from Redis. PostgreSQL and
 * Redis are read through the admin tool (the stand-in for pgAdmin and RedisInsight), which queries
 * them directly, not through orders or its cache; the orders service says where a read came from in
 * its {@code X-Cache} header ({@code miss}: PostgreSQL, {@code hit}: Redis).
 */
@ExampleStack
class DataPathE2E {

  /** The seed's products ({@code examples/deploy/datastores/seed.yaml}). */
  static final List<Map<String, Object>> SEEDED_PRODUCTS =
      List.of(
          Map.of("id", "p-1", "name", "Espresso beans", "priceCents", 1290),
          Map.of("id", "p-2", "name", "Grinder", "priceCents", 8900),
          Map.of("id", "p-3", "name", "Milk jug", "priceCents", 1450));

  private final RequestSpecification catalog;
  private final RequestSpecification orders;
  private final RequestSpecification admin;

  DataPathE2E(
      @ServiceUrl("catalog") RequestSpecification catalog,
      @ServiceUrl("orders") RequestSpecification orders,
      @ServiceUrl("admin") RequestSpecification admin) {
    this.catalog = catalog;
    this.orders = orders;
    this.admin = admin;
  }

  @BeforeAll
  static void stackIsUp(
      @ServiceUrl("catalog") RequestSpecification catalog,
      @ServiceUrl("orders") RequestSpecification orders,
      @ServiceUrl("admin") RequestSpecification admin) {
    Health.awaitUp("catalog", catalog);
    Health.awaitUp("orders", orders);
    Health.awaitUp("admin", admin);
  }

  @Test
  void theSeedsProductsAreWhatTheCatalogServesFromPostgres() {
    List<Map<String, Object>> products =
        given(catalog).get("/products").then().statusCode(200).extract().jsonPath().getList("");

    assertEquals(SEEDED_PRODUCTS, products, "the catalog's products (PostgreSQL, from the seed)");
  }

  @Test
  void anOrderIsARowInPostgresAndItsSecondReadIsServedFromRedis() {
    String id =
        given(orders)
            .contentType(ContentType.JSON)
            .body("{\"productId\":\"p-3\",\"quantity\":3}")
            .when()
            .post("/orders")
            .then()
            .statusCode(201)
            .extract()
            .path("id");

    // in PostgreSQL, read by SQL through the admin tool
    Map<String, Object> row =
        given(admin).get("/db/orders/" + id).then().statusCode(200).extract().jsonPath().getMap("");
    assertEquals("p-3", row.get("productId"), "product of the row in PostgreSQL: " + row);
    assertEquals(3, row.get("quantity"), "quantity of the row in PostgreSQL: " + row);
    assertEquals(1450, row.get("unitPriceCents"), "price of the row in PostgreSQL: " + row);
    given(admin).get("/cache/orders/" + id).then().statusCode(404); // a write does not cache

    Response first = given(orders).get("/orders/" + id);
    assertEquals(200, first.statusCode(), first.asString());
    assertEquals("miss", first.header("X-Cache"), "first read: from PostgreSQL");
    String cached =
        given(admin).get("/cache/orders/" + id).then().statusCode(200).extract().path("value");
    assertEquals(first.asString(), cached, "what Redis holds after the first read");

    Response second = given(orders).get("/orders/" + id);
    assertEquals(200, second.statusCode(), second.asString());
    assertEquals("hit", second.header("X-Cache"), "second read: from Redis");
    assertEquals(first.asString(), second.asString());
  }
}
