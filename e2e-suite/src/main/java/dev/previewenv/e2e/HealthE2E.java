package dev.previewenv.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

/** Every service of the stack is up and says so on {@code /health}. */
class HealthE2E {

  @Test
  void catalogIsUp() {
    assertUp("catalog", StackUrls.catalog());
  }

  @Test
  void ordersIsUp() {
    assertUp("orders", StackUrls.orders());
  }

  @Test
  void adminIsUp() {
    assertUp("admin", StackUrls.admin());
  }

  private static void assertUp(String service, String baseUrl) {
    Health.awaitUp(service, baseUrl);
    given()
        .baseUri(baseUrl)
        .when()
        .get("/health")
        .then()
        .statusCode(200)
        .contentType("application/json")
        .body("status", equalTo("UP"));
  }
}
