package dev.previewenv.e2e;

import static org.awaitility.Awaitility.await;

import io.restassured.RestAssured;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Optional;

/** Waits, bounded and named, until a service of the stack answers its health check. */
final class Health {

  /** How long to wait unless {@code PREVIEWENV_E2E_AWAIT_SECONDS} says otherwise. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Health() {}

  /** Returns once {@code <service>/health} answers 200, or fails naming the service and URL. */
  static void awaitUp(String service, RequestSpecification spec) {
    String url = ((FilterableRequestSpecification) spec).getBaseUri();
    await(service + " healthy at " + url + "/health")
        .atMost(timeout())
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> RestAssured.given(spec).get("/health").statusCode() == 200);
  }

  /**
   * How long the suite waits for a service to become healthy: {@code PREVIEWENV_E2E_AWAIT_SECONDS}
   * (system property or environment variable; default 30).
   */
  static Duration timeout() {
    return Optional.ofNullable(System.getProperty("PREVIEWENV_E2E_AWAIT_SECONDS"))
        .or(() -> Optional.ofNullable(System.getenv("PREVIEWENV_E2E_AWAIT_SECONDS")))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .map(s -> Duration.ofSeconds(Long.parseLong(s)))
        .orElse(DEFAULT_TIMEOUT);
  }
}
