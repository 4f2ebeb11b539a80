package dev.previewenv.examples.orders;

import dev.previewenv.examples.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Looks products up in the catalog service. */
final class CatalogClient {

  /** The catalog could not be asked, or answered something other than 200 or 404. */
  static final class CatalogUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    CatalogUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final URI baseUri;
  private final HttpClient http;

  CatalogClient(URI baseUri) {
    this.baseUri = baseUri;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  URI baseUri() {
    return baseUri;
  }

  /**
   * The price of {@code productId} in cents, or empty when the catalog does not know it.
   *
   * @throws CatalogUnavailableException when the catalog cannot be reached or misbehaves
   */
  Optional<Long> priceOf(String productId)
      throws CatalogUnavailableException, InterruptedException {
    URI uri =
        URI.create(baseUri + "/products/" + URLEncoder.encode(productId, StandardCharsets.UTF_8));
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CatalogUnavailableException("catalog at " + baseUri + " is unreachable: " + e, e);
    }
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new CatalogUnavailableException(
          "catalog at " + baseUri + " answered " + response.statusCode() + " for " + uri, null);
    }
    try {
      Map<String, Object> product = Json.parseObject(response.body());
      if (product.get("priceCents") instanceof Long price) {
        return Optional.of(price);
      }
      throw new IllegalArgumentException("no integral priceCents in " + response.body());
    } catch (IllegalArgumentException e) {
      throw new CatalogUnavailableException(
          "catalog at " + baseUri + " sent an unreadable product: " + e.getMessage(), e);
    }
  }
}
