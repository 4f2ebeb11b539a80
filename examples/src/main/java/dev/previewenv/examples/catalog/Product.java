package dev.previewenv.examples.catalog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A product of the catalog.
 *
 * @param id stable identifier, e.g. {@code p-1}
 * @param name display name
 * @param priceCents unit price in cents, not negative
 */
public record Product(String id, String name, long priceCents) {

  /** Validates the fields. */
  public Product {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    if (id.isBlank() || priceCents < 0) {
      throw new IllegalArgumentException(
          "a product needs a non-blank id and a price >= 0, got id '"
              + id
              + "' and price "
              + priceCents);
    }
  }

  /** The JSON shape: {@code {"id":..,"name":..,"priceCents":..}}. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("name", name);
    json.put("priceCents", priceCents);
    return json;
  }
}
