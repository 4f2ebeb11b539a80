package dev.previewenv.junit;

import io.restassured.builder.RequestSpecBuilder;
import java.net.URI;

/** RestAssured glue; only loaded when RestAssured is on the classpath. */
final class RestAssuredSupport {
  static final String REQUEST_SPECIFICATION = "io.restassured.specification.RequestSpecification";

  private RestAssuredSupport() {}

  /** A request specification whose base URI and base path are {@code url}. */
  static Object requestSpecification(URI url) {
    String base = url.getScheme() + "://" + url.getRawAuthority();
    RequestSpecBuilder builder = new RequestSpecBuilder().setBaseUri(base);
    String path = url.getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      builder.setBasePath(path);
    }
    return builder.build();
  }
}
