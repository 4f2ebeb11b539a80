package dev.previewenv.core.internal.registry;

import java.util.Locale;

/**
 * An image reference split the way registries read it: registry host (with port), repository path
 * and tag. A first component with a {@code .} or {@code :}, or {@code localhost}, is a registry; a
 * name without one names no registry ({@link #registry()} null): the container runtime's default
 * registry, which PreviewEnv does not guess.
 *
 * @param registry e.g. {@code 127.0.0.1:5000}, or null
 * @param repository e.g. {@code team/api}
 * @param tag e.g. {@code sha-1f2e}
 */
public record ImageReference(String registry, String repository, String tag) {
  /** Reads {@code [registry/]repository:tag} (no digest). */
  public static ImageReference parse(String image) {
    String rest = image;
    int colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
    String tag = colon < 0 ? "latest" : rest.substring(colon + 1);
    if (colon >= 0) {
      rest = rest.substring(0, colon);
    }
    int slash = rest.indexOf('/');
    String first = slash < 0 ? "" : rest.substring(0, slash);
    if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      return new ImageReference(first.toLowerCase(Locale.ROOT), rest.substring(slash + 1), tag);
    }
    return new ImageReference(null, rest, tag);
  }

  /** The host the registry API answers on. */
  public String apiHost() {
    return registry;
  }

  /** Whether the registry is on this machine (127.0.0.0/8, ::1, localhost). */
  public boolean loopback() {
    String host = registry == null ? "" : registry;
    if (host.startsWith("[")) {
      host = host.substring(1, Math.max(1, host.indexOf(']')));
    } else if (host.indexOf(':') == host.lastIndexOf(':') && host.contains(":")) {
      host = host.substring(0, host.indexOf(':'));
    }
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  @Override
  public String toString() {
    return (registry == null ? "" : registry + "/") + repository + ":" + tag;
  }
}
