package dev.previewenv.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.previewenv.junit.ServiceUrl;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

/** Every service of the stack is up and says so on {@code /health}. */
@ExampleStack
class HealthE2E {

  @Test
  void webIsUp(@ServiceUrl("web") RequestSpecification web) {
    assertUp("web", web);
  }

  @Test
  void catalogIsUp(@ServiceUrl("catalog") RequestSpecification catalog) {
    assertUp("catalog", catalog);
  }

  @Test
  void ordersIsUp(@ServiceUrl("orders") RequestSpecification orders) {
    assertUp("orders", orders);
  }

  @Test
  void adminIsUp(@ServiceUrl("admin") RequestSpecification admin) {
    assertUp("admin", admin);
  }

  private static void assertUp(String service, RequestSpecification spec) {
    Health.awaitUp(service, spec);
    given(spec)
        .when()
        .get("/health")
        .then()
        .statusCode(200)
        .contentType("application/json")
        .body("status", equalTo("UP"));
  }
}
