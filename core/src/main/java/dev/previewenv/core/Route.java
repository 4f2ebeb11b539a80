package dev.previewenv.core;

import java.net.URI;
import java.util.Objects;

/**
 * One way into the environment from outside: an ingress rule's (or a Gateway API route's) host and
 * path and the service behind it, after host rewriting.
 *
 * @param ingress the Ingress name, or the HTTPRoute/GRPCRoute name
 * @param service the backend Service name
 * @param port the backend Service port, by number or name (as written in the Ingress)
 * @param host the rewritten host, e.g. {@code feature-x.api.example.com}
 * @param path the rule path, {@code /} when none
 * @param tls whether the host is listed in the Ingress' TLS section (for a route: whether a parent
 *     reference names port 443 or an {@code https} section)
 */
public record Route(
    String ingress, String service, String port, String host, String path, boolean tls) {
  public Route {
    Objects.requireNonNull(ingress, "ingress");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(host, "host");
    path = path == null || path.isEmpty() ? "/" : path;
  }

  /** The URL of this route, {@code https://host/path} when TLS is configured, else http. */
  public URI url() {
    return URI.create((tls ? "https://" : "http://") + host + path);
  }
}
