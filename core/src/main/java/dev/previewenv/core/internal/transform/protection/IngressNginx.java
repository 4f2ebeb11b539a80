package dev.previewenv.core.internal.transform.protection;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ingress-nginx external authentication annotations on protected Ingresses. */
final class IngressNginx implements AuthProvider {
  static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";
  static final String AUTH_SIGNIN = "nginx.ingress.kubernetes.io/auth-signin";
  static final String AUTH_RESPONSE_HEADERS = "nginx.ingress.kubernetes.io/auth-response-headers";

  @Override
  public String displayName() {
    return "ingress-nginx";
  }

  @Override
  public boolean canProtect(HasMetadata o) {
    return Kinds.isIngress(o);
  }

  @Override
  public String protectsWhat() {
    return "Ingresses";
  }

  @Override
  public List<String> check(Settings settings) {
    return Kinds.needAuthHost(this, settings);
  }

  @Override
  public HasMetadata protect(HasMetadata o, Settings s) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(AUTH_URL, "https://" + s.authHost() + "/oauth2/auth");
    a.put(AUTH_SIGNIN, "https://" + s.authHost() + "/oauth2/start?rd=$scheme://$host$request_uri");
    a.put(AUTH_RESPONSE_HEADERS, Kinds.RESPONSE_HEADERS);
    return Annotations.with(o, a);
  }

  @Override
  public List<HasMetadata> added(List<HasMetadata> protectedObjects, Settings settings) {
    return List.of();
  }
}
