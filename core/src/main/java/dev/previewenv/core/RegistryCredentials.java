package dev.previewenv.core;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Credentials for image registries, by registry host (with port), as a {@code
 * kubernetes.io/dockerconfigjson} secret holds them. Used to resolve tags to digests ({@link
 * Plan.Builder#pinDigests}) with the same credentials the kubelet pulls with.
 *
 * <p>Never shows a user name, password or token: {@link #toString()} lists the hosts only, and no
 * message of PreviewEnv contains a credential.
 */
public final class RegistryCredentials {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** A user name and password (or token) for one registry. */
  public record Login(String username, String password) {
    @Override
    public String toString() {
      return "Login[***]";
    }
  }

  private final Map<String, Login> byHost;

  private RegistryCredentials(Map<String, Login> byHost) {
    this.byHost = Map.copyOf(byHost);
  }

  /** No credentials: public registries only. */
  public static RegistryCredentials anonymous() {
    return new RegistryCredentials(Map.of());
  }

  /** A user name and password (or access token) for the registry {@code host[:port]}. */
  public static RegistryCredentials of(String host, String username, String password) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    return new RegistryCredentials(Map.of(normalise(host), new Login(username, password)));
  }

  /**
   * The credentials of a {@code .dockerconfigjson} document ({@code {"auths": {"<host>":
   * {"username": ..., "password": ...} or {"auth": base64(user:password)}}}}).
   *
   * @throws IllegalArgumentException when it is not such a document (without quoting it)
   */
  public static RegistryCredentials fromDockerConfigJson(String json) {
    Object root;
    try {
      root = JSON.unmarshal(json == null ? "" : json, Map.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Registry credentials are not a .dockerconfigjson document (not JSON); make the secret"
              + " with kubectl create secret docker-registry");
    }
    Object auths = root instanceof Map<?, ?> m ? m.get("auths") : null;
    if (!(auths instanceof Map<?, ?> authMap)) {
      throw new IllegalArgumentException(
          "Registry credentials have no \"auths\" object; make the secret with kubectl create"
              + " secret docker-registry");
    }
    Map<String, Login> result = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : authMap.entrySet()) {
      Object entry = e.getValue();
      String user = text(entry, "username");
      String password = text(entry, "password");
      String auth = text(entry, "auth");
      if ((user == null || password == null) && auth != null) {
        String decoded;
        try {
          decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException bad) {
          throw new IllegalArgumentException(
              "Registry credentials for " + e.getKey() + ": \"auth\" is not Base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException(
              "Registry credentials for " + e.getKey() + ": \"auth\" is not user:password");
        }
        user = decoded.substring(0, colon);
        password = decoded.substring(colon + 1);
      }
      if (user != null && password != null) {
        result.put(normalise(String.valueOf(e.getKey())), new Login(user, password));
      }
    }
    return new RegistryCredentials(result);
  }

  /**
   * The credentials of the pull secrets, read from their source namespace (one read per secret).
   *
   * @throws PreviewEnvException naming a secret that is missing or holds no {@code
   *     .dockerconfigjson}
   */
  public static RegistryCredentials fromSecrets(KubernetesClient client, PullSecrets pullSecrets) {
    RegistryCredentials all = anonymous();
    for (String name : pullSecrets.names()) {
      Secret s = client.secrets().inNamespace(pullSecrets.sourceNamespace()).withName(name).get();
      String coordinates = pullSecrets.sourceNamespace() + "/" + name;
      String data = s == null || s.getData() == null ? null : s.getData().get(".dockerconfigjson");
      if (data == null) {
        throw new PreviewEnvException(
            "Pull secret "
                + coordinates
                + (s == null ? " does not exist" : " has no .dockerconfigjson key")
                + "; create it with kubectl create secret docker-registry "
                + name
                + " -n "
                + pullSecrets.sourceNamespace()
                + " --docker-server=... --docker-username=... --docker-password=...",
            null,
            "Secret/" + coordinates,
            null);
      }
      String json;
      try {
        json = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new PreviewEnvException(
            "Pull secret " + coordinates + ": .dockerconfigjson is not Base64",
            null,
            "Secret/" + coordinates,
            null);
      }
      try {
        all = all.and(fromDockerConfigJson(json));
      } catch (IllegalArgumentException e) {
        throw new PreviewEnvException(
            "Pull secret " + coordinates + ": " + e.getMessage(),
            null,
            "Secret/" + coordinates,
            null);
      }
    }
    return all;
  }

  /** These credentials and {@code other}'s; {@code other} wins for a host both have. */
  public RegistryCredentials and(RegistryCredentials other) {
    Map<String, Login> merged = new LinkedHashMap<>(byHost);
    merged.putAll(other.byHost);
    return new RegistryCredentials(merged);
  }

  /** The login for {@code host[:port]}, if any. */
  public Optional<Login> forHost(String host) {
    return Optional.ofNullable(byHost.get(normalise(host)));
  }

  /** {@code https://host:5000/v1/} and {@code host:5000} are the same key. */
  static String normalise(String key) {
    String k = key.strip();
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    return k.toLowerCase(java.util.Locale.ROOT);
  }

  private static String text(Object node, String field) {
    Object v = node instanceof Map<?, ?> m ? m.get(field) : null;
    return v instanceof String t && !t.isEmpty() ? t : null;
  }

  /** The registry hosts only; never a credential. */
  @Override
  public String toString() {
    return "RegistryCredentials" + byHost.keySet();
  }
}
