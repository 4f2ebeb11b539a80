package dev.previewenv.examples.orders;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An accepted order.
 *
 * @param id identifier given by the orders service
 * @param productId the catalog product ordered
 * @param quantity how many, at least 1
 * @param unitPriceCents the catalog price when the order was taken
 */
public record Order(String id, String productId, int quantity, long unitPriceCents) {

  /** Validates the fields. */
  public Order {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(productId, "productId");
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity must be at least 1, got " + quantity);
    }
  }

  /** The total price in cents. */
  public long totalCents() {
    return unitPriceCents * quantity;
  }

  /** The JSON shape returned by the orders service. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("productId", productId);
    json.put("quantity", quantity);
    json.put("unitPriceCents", unitPriceCents);
    json.put("totalCents", totalCents());
    return json;
  }
}
