package dev.previewenv.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;

import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A flow across two services: orders asks the catalog before it accepts an order. */
class OrderFlowE2E {

  @BeforeAll
  static void stackIsUp() {
    Health.awaitUp("catalog", StackUrls.catalog());
    Health.awaitUp("orders", StackUrls.orders());
  }

  @Test
  void orderForCatalogProductIsAcceptedAndCanBeReadBack() {
    String productId =
        given()
            .baseUri(StackUrls.catalog())
            .get("/products")
            .then()
            .statusCode(200)
            .extract()
            .path("[0].id");
    int price =
        given()
            .baseUri(StackUrls.catalog())
            .get("/products/" + productId)
            .then()
            .statusCode(200)
            .extract()
            .path("priceCents");

    String orderId =
        given()
            .baseUri(StackUrls.orders())
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

    given()
        .baseUri(StackUrls.orders())
        .when()
        .get("/orders/" + orderId)
        .then()
        .statusCode(200)
        .body("productId", equalTo(productId))
        .body("quantity", equalTo(2))
        .body("totalCents", equalTo(2 * price));
    given().baseUri(StackUrls.orders()).get("/stats").then().body("orders", greaterThan(0));
  }

  @Test
  void orderForUnknownProductIsRejectedWith422() {
    given()
        .baseUri(StackUrls.orders())
        .contentType(ContentType.JSON)
        .body("{\"productId\":\"no-such-product\",\"quantity\":1}")
        .when()
        .post("/orders")
        .then()
        .statusCode(422)
        .body("error", containsString("no-such-product"));
  }
}
