package dev.previewenv.examples.admin;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * What the admin tool reads from the data stores directly, as pgAdmin and RedisInsight would:
 * without going through the orders service or its cache.
 */
public interface StoreInspector {

  /** The row of order {@code id} in PostgreSQL's table {@code orders}, or empty. */
  Optional<Map<String, Object>> orderRow(String id) throws IOException;

  /** The value Redis holds for order {@code id} (key {@code order:<id>}), or empty. */
  Optional<String> cachedOrder(String id) throws IOException;

  /** An inspector with no data stores: every read says so. */
  static StoreInspector none() {
    return new StoreInspector() {
      @Override
      public Optional<Map<String, Object>> orderRow(String id) throws IOException {
        throw new IOException("this admin tool has no database configured");
      }

      @Override
      public Optional<String> cachedOrder(String id) throws IOException {
        throw new IOException("this admin tool has no cache configured");
      }
    };
  }
}
