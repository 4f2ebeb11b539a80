package dev.previewenv.examples.orders;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Test double of the Redis cache: a map, unavailable on demand. */
final class MapOrderCache implements OrderCache {
  final Map<String, String> entries = new ConcurrentHashMap<>();
  volatile boolean down;

  @Override
  public Optional<String> get(String id) throws IOException {
    check();
    return Optional.ofNullable(entries.get(id));
  }

  @Override
  public void put(String id, String json) throws IOException {
    check();
    entries.put(id, json);
  }

  @Override
  public void checkReady() throws IOException {
    check();
  }

  private void check() throws IOException {
    if (down) {
      throw new IOException("Redis at 127.0.0.1:6379: Connection refused");
    }
  }
}
