package dev.previewenv.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;

import dev.previewenv.junit.ServiceUrl;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A flow across two services: orders asks the catalog before it accepts an order. */
@ExampleStack
class OrderFlowE2E {

  private final RequestSpecification catalog;
  private final RequestSpecification orders;

  OrderFlowE2E(
      @ServiceUrl("catalog") RequestSpecification catalog,
      @ServiceUrl("orders") RequestSpecification orders) {
    this.catalog = catalog;
    this.orders = orders;
  }

  @BeforeAll
  static void stackIsUp(
      @ServiceUrl("catalog") RequestSpecification catalog,
      @ServiceUrl("orders") RequestSpecification orders) {
    Health.awaitUp("catalog", catalog);
    Health.awaitUp("orders", orders);
  }

  @Test
  void orderForCatalogProductIsAcceptedAndCanBeReadBack() {
    String productId =
        given(catalog).get("/products").then().statusCode(200).extract().path("[0].id");
    int price =
        given(catalog)
            .get("/products/" + productId)
            .then()
            .statusCode(200)
            .extract()
            .path("priceCents");

    String orderId =
        given(orders)
            .contentType(ContentType.JSON)
            .body("{\"productId\":\"" + productId + "\",\"quantity\":2}")
            .when()
            .post("/orders")
            .then()
            .statusCode(201)
            .body("id", notNullValue())
            .body("unitPriceCents", equalTo(price))
            .extract()
            .path("id");

    given(orders)
        .when()
        .get("/orders/" + orderId)
        .then()
        .statusCode(200)
        .body("productId", equalTo(productId))
        .body("quantity", equalTo(2))
        .body("totalCents", equalTo(2 * price));
    given(orders).get("/stats").then().body("orders", greaterThan(0));
  }

  @Test
  void orderForUnknownProductIsRejectedWith422() {
    given(orders)
        .contentType(ContentType.JSON)
        .body("{\"productId\":\"no-such-product\",\"quantity\":1}")
        .when()
        .post("/orders")
        .then()
        .statusCode(422)
        .body("error", containsString("no-such-product"));
  }
}
