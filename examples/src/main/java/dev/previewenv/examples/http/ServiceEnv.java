package dev.previewenv.examples.http;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a service reads from its environment: {@code PORT} and {@code BIND_ADDRESS} to listen on,
 * and the base URLs of the services it calls.
 *
 * @param env the environment variables, usually {@link System#getenv()}
 */
public record ServiceEnv(Map<String, String> env) {

  /** Copies {@code env}. */
  public ServiceEnv {
    env = Map.copyOf(env);
  }

  /** The process environment. */
  public static ServiceEnv system() {
    return new ServiceEnv(System.getenv());
  }

  /**
   * The address to listen on: {@code BIND_ADDRESS} (default {@code 0.0.0.0}) and {@code PORT}
   * (default {@code defaultPort}).
   *
   * @throws IllegalArgumentException when {@code PORT} is not a port number
   */
  public InetSocketAddress listenAddress(int defaultPort) {
    String bind = value("BIND_ADDRESS").orElse("0.0.0.0");
    String portText = value("PORT").orElse(Integer.toString(defaultPort));
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "PORT must be a port number 0..65535, but is '" + portText + "'; fix the env var PORT");
    }
    return new InetSocketAddress(bind, port);
  }

  /**
   * The base URL of the service called {@code service}: {@code <SERVICE>_URL} when set, else the
   * Kubernetes service variables {@code <SERVICE>_SERVICE_HOST} and {@code <SERVICE>_SERVICE_PORT}
   * (set in every pod started after the Service existed; they work without cluster DNS).
   *
   * @throws IllegalStateException when neither is set
   */
  public URI serviceUrl(String service) {
    String prefix = service.toUpperCase(Locale.ROOT).replace('-', '_');
    Optional<String> url = value(prefix + "_URL");
    if (url.isPresent()) {
      return URI.create(strip(url.get()));
    }
    Optional<String> host = value(prefix + "_SERVICE_HOST");
    Optional<String> port = value(prefix + "_SERVICE_PORT");
    if (host.isPresent() && port.isPresent()) {
      String h = host.get().contains(":") ? "[" + host.get() + "]" : host.get();
      return URI.create("http://" + h + ":" + port.get());
    }
    throw new IllegalStateException(
        "no address for the "
            + service
            + " service: expected "
            + prefix
            + "_URL (e.g. http://"
            + service
            + ":8081) or the Kubernetes variables "
            + prefix
            + "_SERVICE_HOST and "
            + prefix
            + "_SERVICE_PORT, saw none; set "
            + prefix
            + "_URL, or create the Service before the pod");
  }

  /** The trimmed value of {@code name}, empty when unset or blank. */
  public Optional<String> value(String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
