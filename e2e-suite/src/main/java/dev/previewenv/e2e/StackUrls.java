package dev.previewenv.e2e;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the example stack under test is: base URLs from the system property or environment variable
 * {@code PREVIEWENV_SERVICE_URL_<SERVICE>} (e.g. {@code PREVIEWENV_SERVICE_URL_CATALOG=
 * http://127.0.0.1:8081}), the system property winning. The PreviewEnv JUnit extension sets the
 * same names for the environment it provisions, and the E2E Job gets them as env vars.
 */
public final class StackUrls {

  private StackUrls() {}

  /** The catalog's base URL, without a trailing slash. */
  public static String catalog() {
    return url("catalog");
  }

  /** The orders service's base URL, without a trailing slash. */
  public static String orders() {
    return url("orders");
  }

  /** The admin tool's base URL, without a trailing slash. */
  public static String admin() {
    return url("admin");
  }

  /**
   * The base URL of {@code service}.
   *
   * @throws IllegalStateException naming the variable to set when it is not set
   */
  public static String url(String service) {
    String name = "PREVIEWENV_SERVICE_URL_" + service.toUpperCase(Locale.ROOT).replace('-', '_');
    String url =
        setting(name)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no URL for the "
                            + service
                            + " service of the stack under test: set the system property or"
                            + " environment variable "
                            + name
                            + " (e.g. http://127.0.0.1:8081)"));
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * How long the suite waits for a service to become healthy: {@code PREVIEWENV_E2E_AWAIT_SECONDS}
   * (default 30).
   */
  public static Duration awaitTimeout() {
    return Duration.ofSeconds(
        setting("PREVIEWENV_E2E_AWAIT_SECONDS").map(Long::parseLong).orElse(30L));
  }

  /** The namespace of the environment, when the suite knows it ({@code PREVIEWENV_NAMESPACE}). */
  public static Optional<String> namespace() {
    return setting("PREVIEWENV_NAMESPACE");
  }

  private static Optional<String> setting(String name) {
    return Optional.ofNullable(System.getProperty(name))
        .or(() -> Optional.ofNullable(System.getenv(name)))
        .map(String::trim)
        .filter(v -> !v.isEmpty());
  }
}
