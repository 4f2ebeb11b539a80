package dev.previewenv.examples.orders;

import dev.previewenv.examples.data.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Orders in PostgreSQL, table {@code orders} (created by the stack's seed, {@code
 * deploy/datastores/seed.yaml}): {@code id bigserial, product_id, quantity, unit_price_cents}.
 */
final class JdbcOrderStore implements OrderStore {
  static final String INSERT =
      "INSERT INTO orders (product_id, quantity, unit_price_cents) VALUES (?, ?, ?) RETURNING id";
  static final String FIND =
      "SELECT id, product_id, quantity, unit_price_cents FROM orders WHERE id = ?";
  static final String STATS =
      "SELECT count(*), coalesce(sum(quantity), 0), coalesce(sum(quantity * unit_price_cents), 0)"
          + " FROM orders";
  static final String READY = "SELECT count(*) FROM orders WHERE false";

  private final Database db;

  JdbcOrderStore(Database db) {
    this.db = db;
  }

  @Override
  public Order insert(String productId, int quantity, long unitPriceCents) throws StoreException {
    try {
      long id =
          db.call(
              c -> {
                try (PreparedStatement s = c.prepareStatement(INSERT)) {
                  s.setString(1, productId);
                  s.setInt(2, quantity);
                  s.setLong(3, unitPriceCents);
                  try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                  }
                }
              });
      return new Order(Long.toString(id), productId, quantity, unitPriceCents);
    } catch (SQLException e) {
      throw failed("insert an order", e);
    }
  }

  @Override
  public Optional<Order> find(String id) throws StoreException {
    long key;
    try {
      key = Long.parseLong(id);
    } catch (NumberFormatException e) {
      return Optional.empty(); // ids are numbers: no such order
    }
    try {
      return db.call(
          c -> {
            try (PreparedStatement s = c.prepareStatement(FIND)) {
              s.setLong(1, key);
              try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                  return Optional.empty();
                }
                return Optional.of(
                    new Order(
                        Long.toString(r.getLong(1)), r.getString(2), r.getInt(3), r.getLong(4)));
              }
            }
          });
    } catch (SQLException e) {
      throw failed("read order " + id, e);
    }
  }

  @Override
  public Stats stats() throws StoreException {
    try {
      return db.call(
          c -> {
            try (PreparedStatement s = c.prepareStatement(STATS);
                ResultSet r = s.executeQuery()) {
              r.next();
              return new Stats(r.getLong(1), r.getLong(2), r.getLong(3));
            }
          });
    } catch (SQLException e) {
      throw failed("count the orders", e);
    }
  }

  @Override
  public void checkReady() throws StoreException {
    try {
      db.call(
          c -> {
            try (PreparedStatement s = c.prepareStatement(READY)) {
              s.executeQuery().close();
              return null;
            }
          });
    } catch (SQLException e) {
      throw failed("find table orders (loaded by the seed)", e);
    }
  }

  private StoreException failed(String what, SQLException e) {
    return new StoreException(
        "PostgreSQL at " + db.config().jdbcUrl() + " could not " + what + ": " + e.getMessage(), e);
  }
}
