package dev.previewenv.examples.orders;

import java.io.IOException;
import java.util.Optional;

/** Read-through cache of orders as JSON (Redis in the stack: {@link RedisOrderCache}). */
interface OrderCache {

  /** The cached JSON of order {@code id}, or empty on a miss. */
  Optional<String> get(String id) throws IOException;

  /** Caches the JSON of order {@code id}. */
  void put(String id, String json) throws IOException;

  /** Throws when the cache cannot be reached. */
  void checkReady() throws IOException;
}
