package dev.previewenv.examples.admin;

import dev.previewenv.examples.data.Database;
import dev.previewenv.examples.data.RedisClient;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads PostgreSQL with SQL and Redis with {@code GET}, each on a connection of its own. */
final class DataStoreInspector implements StoreInspector {
  static final String ORDER_ROW =
      "SELECT id, product_id, quantity, unit_price_cents, created_at FROM orders WHERE id = ?";

  private final Database db;
  private final String redisHost;
  private final int redisPort;
  private final String redisPassword;

  DataStoreInspector(Database db, String redisHost, int redisPort, String redisPassword) {
    this.db = db;
    this.redisHost = redisHost;
    this.redisPort = redisPort;
    this.redisPassword = redisPassword;
  }

  @Override
  public Optional<Map<String, Object>> orderRow(String id) throws IOException {
    long key;
    try {
      key = Long.parseLong(id);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    try {
      return db.call(
          c -> {
            try (PreparedStatement s = c.prepareStatement(ORDER_ROW)) {
              s.setLong(1, key);
              try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                  return Optional.empty();
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", Long.toString(r.getLong(1)));
                row.put("productId", r.getString(2));
                row.put("quantity", r.getInt(3));
                row.put("unitPriceCents", r.getLong(4));
                row.put("createdAt", String.valueOf(r.getTimestamp(5).toInstant()));
                return Optional.of(row);
              }
            }
          });
    } catch (SQLException e) {
      throw new IOException(
          "PostgreSQL at " + db.config().jdbcUrl() + " could not read order " + id + ": " + e, e);
    }
  }

  @Override
  public Optional<String> cachedOrder(String id) throws IOException {
    try (RedisClient redis =
        RedisClient.connect(redisHost, redisPort, redisPassword, Duration.ofSeconds(5))) {
      return redis.get("order:" + id);
    }
  }
}
