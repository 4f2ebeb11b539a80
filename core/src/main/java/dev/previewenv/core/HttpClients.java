package dev.previewenv.core;

import dev.previewenv.core.internal.http.ReusingHttpClientFactory;
import io.fabric8.kubernetes.client.http.HttpClient;

/**
 * The HTTP client PreviewEnv builds its Kubernetes clients with: {@code new
 * KubernetesClientBuilder().withConfig(config).withHttpClientFactory(HttpClients.reusing())}.
 *
 * <p>fabric8's default client opens one TLS connection per concurrent request (HTTP/1.1, a pool of
 * 8,192); this one offers HTTP/2 through ALPN, so that the concurrent requests of a wave share one
 * or two connections, and falls back to HTTP/1.1 where the server does not speak HTTP/2.
 */
public final class HttpClients {
  private HttpClients() {}

  /** A new factory of connection-reusing HTTP clients. */
  public static HttpClient.Factory reusing() {
    return new ReusingHttpClientFactory();
  }
}
