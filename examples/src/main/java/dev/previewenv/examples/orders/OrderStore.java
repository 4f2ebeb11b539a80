package dev.previewenv.examples.orders;

import java.util.Optional;

/** Where the orders service keeps its orders (PostgreSQL in the stack: {@link JdbcOrderStore}). */
interface OrderStore {

  /** Statistics over all orders. */
  record Stats(long orders, long items, long revenueCents) {}

  /** Stores a new order and returns it with its id. */
  Order insert(String productId, int quantity, long unitPriceCents) throws StoreException;

  /** The order of {@code id}, or empty. */
  Optional<Order> find(String id) throws StoreException;

  /** Counts over all orders. */
  Stats stats() throws StoreException;

  /** Throws when the store cannot serve (e.g. the schema is not there yet). */
  void checkReady() throws StoreException;

  /** The store failed; the message says where and why (never a password). */
  final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    StoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
