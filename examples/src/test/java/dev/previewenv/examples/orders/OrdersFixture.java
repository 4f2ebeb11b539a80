package dev.previewenv.examples.orders;

import java.net.InetSocketAddress;
import java.net.URI;

/** Starts an orders service on test doubles of its data stores, for tests of other packages. */
public final class OrdersFixture {
  private OrdersFixture() {}

  public static OrdersServer start(InetSocketAddress address, URI catalogUri) {
    return OrdersServer.start(address, catalogUri, new MemoryOrderStore(), new MapOrderCache());
  }
}
