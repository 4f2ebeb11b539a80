package dev.previewenv.examples.orders;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Test double of the PostgreSQL store: orders in a map, reads counted, failure on demand. */
final class MemoryOrderStore implements OrderStore {
  final Map<String, Order> orders = new ConcurrentHashMap<>();
  final AtomicInteger finds = new AtomicInteger();
  private final AtomicLong nextId = new AtomicLong(1);
  volatile String failure;

  @Override
  public Order insert(String productId, int quantity, long unitPriceCents) throws StoreException {
    fail();
    Order o =
        new Order(Long.toString(nextId.getAndIncrement()), productId, quantity, unitPriceCents);
    orders.put(o.id(), o);
    return o;
  }

  @Override
  public Optional<Order> find(String id) throws StoreException {
    fail();
    finds.incrementAndGet();
    return Optional.ofNullable(orders.get(id));
  }

  @Override
  public Stats stats() throws StoreException {
    fail();
    return new Stats(
        orders.size(),
        orders.values().stream().mapToLong(Order::quantity).sum(),
        orders.values().stream().mapToLong(Order::totalCents).sum());
  }

  @Override
  public void checkReady() throws StoreException {
    fail();
  }

  private void fail() throws StoreException {
    if (failure != null) {
      throw new StoreException(failure, null);
    }
  }
}
