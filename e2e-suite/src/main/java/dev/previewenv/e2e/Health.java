package dev.previewenv.e2e;

import static org.awaitility.Awaitility.await;

import io.restassured.RestAssured;
import java.time.Duration;

/** Waits, bounded and named, until a service of the stack answers its health check. */
final class Health {

  private Health() {}

  /** Returns once {@code baseUrl/health} answers 200, or fails naming the service and URL. */
  static void awaitUp(String service, String baseUrl) {
    await(service + " healthy at " + baseUrl + "/health")
        .atMost(StackUrls.awaitTimeout())
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> RestAssured.given().baseUri(baseUrl).get("/health").statusCode() == 200);
  }
}
