package dev.previewenv.core.internal.http;

import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;

/**
 * fabric8's default (vert.x 5) HTTP client, set up so that a wave of concurrent requests shares TLS
 * connections instead of opening one each: HTTP/2 is offered through ALPN (the API server selects
 * {@code h2}; a server that does not falls back to HTTP/1.1), and at most {@link
 * #HTTP2_CONNECTIONS} HTTP/2 connections are pooled, each carrying many concurrent streams.
 *
 * <p>fabric8's own setup speaks HTTP/1.1 with a pool of 8,192 connections, so 60 concurrent
 * requests pay 60 TCP and TLS handshakes. Over plain HTTP the client asks for an {@code h2c}
 * upgrade and keeps HTTP/1.1 when the server declines.
 */
public final class ReusingHttpClientFactory extends Vertx5HttpClientFactory {
  /** HTTP/2 connections per client: each multiplexes up to the server's stream limit. */
  public static final int HTTP2_CONNECTIONS = 2;

  @Override
  protected void additionalConfig(
      WebClientOptions options, WebSocketClientOptions webSocket, PoolOptions pool) {
    options
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    pool.setHttp2MaxSize(HTTP2_CONNECTIONS);
  }
}
