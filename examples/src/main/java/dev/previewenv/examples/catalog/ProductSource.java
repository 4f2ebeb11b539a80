package dev.previewenv.examples.catalog;

import java.util.List;
import java.util.Optional;

/** Where the catalog's products come from (PostgreSQL in the stack: {@link JdbcProductSource}). */
public interface ProductSource {

  /** Every product, ordered by id. */
  List<Product> all() throws ProductsUnavailableException;

  /** The product of {@code id}, or empty. */
  Optional<Product> byId(String id) throws ProductsUnavailableException;

  /** Throws when the products cannot be read (e.g. the seed has not loaded them yet). */
  void checkReady() throws ProductsUnavailableException;

  /** A fixed list of products, kept in memory. */
  static ProductSource of(List<Product> products) {
    List<Product> copy = List.copyOf(products);
    return new ProductSource() {
      @Override
      public List<Product> all() {
        return copy;
      }

      @Override
      public Optional<Product> byId(String id) {
        return copy.stream().filter(p -> p.id().equals(id)).findFirst();
      }

      @Override
      public void checkReady() {}
    };
  }

  /** The products could not be read; the message says where and why (never a password). */
  final class ProductsUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProductsUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
