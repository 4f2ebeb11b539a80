package dev.previewenv.examples.catalog;

import dev.previewenv.examples.data.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Products from PostgreSQL, table {@code products (id, name, price_cents)}, which the stack's seed
 * creates and fills ({@code deploy/datastores/seed.yaml}).
 */
final class JdbcProductSource implements ProductSource {
  static final String ALL = "SELECT id, name, price_cents FROM products ORDER BY id";
  static final String BY_ID = "SELECT id, name, price_cents FROM products WHERE id = ?";

  private final Database db;

  JdbcProductSource(Database db) {
    this.db = db;
  }

  @Override
  public List<Product> all() throws ProductsUnavailableException {
    try {
      return db.call(
          c -> {
            try (PreparedStatement s = c.prepareStatement(ALL);
                ResultSet r = s.executeQuery()) {
              List<Product> products = new ArrayList<>();
              while (r.next()) {
                products.add(new Product(r.getString(1), r.getString(2), r.getLong(3)));
              }
              return products;
            }
          });
    } catch (SQLException e) {
      throw failed("list the products", e);
    }
  }

  @Override
  public Optional<Product> byId(String id) throws ProductsUnavailableException {
    try {
      return db.call(
          c -> {
            try (PreparedStatement s = c.prepareStatement(BY_ID)) {
              s.setString(1, id);
              try (ResultSet r = s.executeQuery()) {
                return r.next()
                    ? Optional.of(new Product(r.getString(1), r.getString(2), r.getLong(3)))
                    : Optional.empty();
              }
            }
          });
    } catch (SQLException e) {
      throw failed("read product " + id, e);
    }
  }

  @Override
  public void checkReady() throws ProductsUnavailableException {
    if (all().isEmpty()) {
      throw new ProductsUnavailableException(
          "table products in " + db.config().jdbcUrl() + " is empty: the seed has not loaded it",
          null);
    }
  }

  private ProductsUnavailableException failed(String what, SQLException e) {
    return new ProductsUnavailableException(
        "PostgreSQL at " + db.config().jdbcUrl() + " could not " + what + ": " + e.getMessage(), e);
  }
}
