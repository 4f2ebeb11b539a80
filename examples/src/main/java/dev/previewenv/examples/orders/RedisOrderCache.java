package dev.previewenv.examples.orders;

import dev.previewenv.examples.data.RedisClient;
import dev.previewenv.examples.http.ServiceEnv;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Orders cached in Redis as {@code order:<id>} with a time to live, over one connection that is
 * opened again after it failed. Finds Redis through {@code REDIS_SERVICE_HOST/PORT} (no cluster DNS
 * needed) and authenticates with {@code REDIS_PASSWORD} (from Secret {@code shop-db}).
 */
final class RedisOrderCache implements OrderCache {
  static final String KEY_PREFIX = "order:";

  private final String host;
  private final int port;
  private final String password;
  private final Duration ttl;
  private RedisClient client;

  RedisOrderCache(String host, int port, String password, Duration ttl) {
    this.host = host;
    this.port = port;
    this.password = password;
    this.ttl = ttl;
  }

  /**
   * From {@code REDIS_SERVICE_HOST}, {@code REDIS_SERVICE_PORT} and {@code REDIS_PASSWORD}.
   *
   * @throws IllegalStateException naming what is missing
   */
  static RedisOrderCache fromEnv(ServiceEnv env, Duration ttl) {
    var host = env.value("REDIS_SERVICE_HOST");
    var port = env.value("REDIS_SERVICE_PORT");
    var password = env.value("REDIS_PASSWORD");
    if (host.isEmpty() || port.isEmpty() || password.isEmpty()) {
      throw new IllegalStateException(
          "no Redis configuration: expected REDIS_SERVICE_HOST and REDIS_SERVICE_PORT (from Service"
              + " redis, created before the pod) and REDIS_PASSWORD (from Secret shop-db, key"
              + " redis-password)");
    }
    return new RedisOrderCache(host.get(), Integer.parseInt(port.get()), password.get(), ttl);
  }

  @Override
  public Optional<String> get(String id) throws IOException {
    return client().get(KEY_PREFIX + id);
  }

  @Override
  public void put(String id, String json) throws IOException {
    client().setex(KEY_PREFIX + id, ttl.toSeconds(), json);
  }

  @Override
  public void checkReady() throws IOException {
    client().ping();
  }

  private synchronized RedisClient client() throws IOException {
    if (client == null || client.isBroken()) {
      if (client != null) {
        client.close();
      }
      client = null;
      client = RedisClient.connect(host, port, password, Duration.ofSeconds(5));
    }
    return client;
  }
}
