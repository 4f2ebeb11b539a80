package dev.previewenv.core.internal.transform.protection;

import dev.previewenv.core.Protection;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * How one proxy puts chosen objects behind the central OAuth2 Proxy: which kinds it can protect,
 * what it needs, how a protected object changes and which objects it adds to the environment.
 * Implementations are pure and stateless.
 */
public interface AuthProvider {

  /** The name used in messages, e.g. {@code ingress-nginx}. */
  String displayName();

  /** Whether this proxy serves (and so can protect) the object. */
  boolean canProtect(HasMetadata o);

  /** What a user should protect instead when {@link #canProtect} says no, for messages. */
  String protectsWhat();

  /** Problems with the settings this provider cannot honour; empty when it can. */
  List<String> check(Settings settings);

  /** The protected object, changed (a copy); never called when {@link #check} found problems. */
  HasMetadata protect(HasMetadata o, Settings settings);

  /** Objects the provider adds to the environment for the protected objects (may be empty). */
  List<HasMetadata> added(List<HasMetadata> protectedObjects, Settings settings);

  /**
   * What the providers may read.
   *
   * @param authHost the OAuth2 Proxy's public host, or {@code null}
   * @param service the OAuth2 Proxy's Service, or {@code null}
   * @param namespace the environment's namespace
   */
  record Settings(String authHost, ServiceRef service, String namespace) {}

  /** A Service by namespace, name and port: {@code auth/oauth2-proxy:4180}. */
  record ServiceRef(String namespace, String name, int port) {
    @Override
    public String toString() {
      return namespace + "/" + name + ":" + port;
    }
  }

  /** The provider for a setting. */
  static AuthProvider of(Protection protection) {
    return switch (protection) {
      case INGRESS_NGINX -> new IngressNginx();
      case TRAEFIK -> new Traefik();
      case ENVOY_GATEWAY -> new EnvoyGateway();
    };
  }
}
