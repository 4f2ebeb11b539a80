package dev.previewenv.core.internal.registry;

import dev.previewenv.core.RegistryCredentials;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a tag to the digest of its manifest through the Docker Registry HTTP API v2 ({@code HEAD
 * /v2/<repository>/manifests/<tag>}, header {@code Docker-Content-Digest}), authenticating as the
 * registry asks in its {@code WWW-Authenticate} challenge: {@code Basic} with the login for the
 * host, or {@code Bearer} with a token fetched from the named realm (with the login, when there is
 * one). HTTPS; a registry on this machine (127.0.0.0/8, localhost) is asked over plain HTTP when it
 * answers the API that way, as the Docker engine allows by default. Credentials and tokens are
 * never logged or put in messages.
 */
public final class RegistryClient {
  private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final String ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v2+json");
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  private final HttpClient http;
  private final RegistryCredentials credentials;
  private final Duration timeout;

  public RegistryClient(RegistryCredentials credentials, Duration timeout) {
    this.credentials = credentials;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** Why a tag could not be resolved, in the registry's own words where it gave any. */
  public static final class ResolveException extends Exception {
    ResolveException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The digest ({@code sha256:...}) the tag of {@code image} points to now.
   *
   * @throws ResolveException naming the image, the HTTP status and the registry's error text
   */
  public String digest(String image) throws ResolveException {
    ImageReference ref = ImageReference.parse(image);
    if (ref.registry() == null) {
      throw new ResolveException(
          "image "
              + image
              + " names no registry host, so its registry API cannot be asked; name the registry"
              + " in the override, e.g. <registry host>/"
              + ref.repository()
              + ":"
              + ref.tag());
    }
    if (ref.loopback() && speaksPlainHttp(ref)) {
      try {
        return digest(ref, "http");
      } catch (IOException e) {
        throw new ResolveException("registry " + ref.registry() + " did not answer: " + e);
      }
    }
    try {
      return digest(ref, "https");
    } catch (IOException e) {
      throw new ResolveException(
          "registry "
              + ref.registry()
              + " did not answer over HTTPS: "
              + (e instanceof SSLException ? "TLS failed: " : "")
              + e);
    }
  }

  /**
   * Whether a registry on this machine answers the API over plain HTTP (its {@code /v2/} carries
   * {@code Docker-Distribution-API-Version}), as the Docker engine allows for 127.0.0.0/8.
   */
  private boolean speaksPlainHttp(ImageReference ref) {
    try {
      HttpResponse<byte[]> r = send(URI.create("http://" + ref.apiHost() + "/v2/"), "GET", null);
      return r.headers().firstValue("Docker-Distribution-API-Version").isPresent();
    } catch (IOException e) {
      log.debug("Registry {} does not answer plain HTTP: {}", ref.registry(), e.toString());
      return false;
    }
  }

  private String digest(ImageReference ref, String scheme) throws IOException, ResolveException {
    URI uri =
        URI.create(
            scheme + "://" + ref.apiHost() + "/v2/" + ref.repository() + "/manifests/" + ref.tag());
    HttpResponse<byte[]> response = send(uri, "HEAD", null);
    if (response.statusCode() == 401) {
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      String authorization = authorize(ref, scheme, challenge);
      response = send(uri, "HEAD", authorization);
      if (response.statusCode() == 200 && digestHeader(response).isEmpty()) {
        response = send(uri, "GET", authorization);
      }
    } else if (response.statusCode() == 200 && digestHeader(response).isEmpty()) {
      response = send(uri, "GET", null);
    }
    int code = response.statusCode();
    if (code == 200) {
      Optional<String> header = digestHeader(response);
      if (header.isPresent()) {
        return header.get();
      }
      if (response.body() != null && response.body().length > 0) {
        return "sha256:" + sha256(response.body());
      }
      throw new ResolveException(
          "registry " + ref.registry() + " answered 200 for " + ref + " but gave no digest");
    }
    // HEAD answers carry no body: ask again with GET for the registry's own words
    String words = errorText(ref, uri, response);
    throw new ResolveException(
        "registry "
            + ref.registry()
            + " answered HTTP "
            + code
            + " for "
            + ref
            + (words.isEmpty() ? "" : ": " + words)
            + hint(code));
  }

  private String errorText(ImageReference ref, URI uri, HttpResponse<byte[]> head) {
    try {
      String authorization = head.request().headers().firstValue("Authorization").orElse(null);
      HttpResponse<byte[]> get = send(uri, "GET", authorization);
      return registryErrors(get.body());
    } catch (IOException e) {
      log.debug("No error text from {} for {}: {}", ref.registry(), ref, e.toString());
      return "";
    }
  }

  private static String hint(int code) {
    return switch (code) {
      case 401 ->
          " (the credentials are missing or wrong: check the pull secret's user and password"
              + " for this registry)";
      case 403 -> " (the credentials may not pull this repository)";
      case 404 -> " (no such tag or repository: check that the image was pushed with this tag)";
      default -> "";
    };
  }

  /** The {@code Authorization} header answering {@code challenge}. */
  private String authorize(ImageReference ref, String scheme, String challenge)
      throws IOException, ResolveException {
    Optional<RegistryCredentials.Login> login = credentials.forHost(ref.registry());
    String lower = challenge.toLowerCase(Locale.ROOT);
    if (lower.startsWith("basic")) {
      if (login.isEmpty()) {
        throw new ResolveException(
            "registry "
                + ref.registry()
                + " asks for a user name and password for "
                + ref
                + " and the pull secrets hold none for that host: add it to the pull secret");
      }
      return basic(login.get());
    }
    if (!lower.startsWith("bearer")) {
      throw new ResolveException(
          "registry "
              + ref.registry()
              + " asks for authentication PreviewEnv does not speak: "
              + challenge.split("\\s", 2)[0]);
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null) {
      throw new ResolveException(
          "registry " + ref.registry() + " asks for a token but names no realm");
    }
    StringBuilder url = new StringBuilder(realm);
    String sep = realm.contains("?") ? "&" : "?";
    if (params.containsKey("service")) {
      url.append(sep).append("service=").append(enc(params.get("service")));
      sep = "&";
    }
    String scope = params.getOrDefault("scope", "repository:" + ref.repository() + ":pull");
    url.append(sep).append("scope=").append(enc(scope));
    HttpResponse<byte[]> tokenResponse =
        send(URI.create(url.toString()), "GET", login.map(RegistryClient::basic).orElse(null));
    if (tokenResponse.statusCode() != 200) {
      String words = registryErrors(tokenResponse.body());
      throw new ResolveException(
          "the token service of registry "
              + ref.registry()
              + " answered HTTP "
              + tokenResponse.statusCode()
              + (words.isEmpty() ? "" : ": " + words)
              + hint(tokenResponse.statusCode()));
    }
    Map<?, ?> body;
    try {
      body = JSON.unmarshal(new String(tokenResponse.body(), StandardCharsets.UTF_8), Map.class);
    } catch (RuntimeException e) {
      body = Map.of();
    }
    Object token = body.get("token") != null ? body.get("token") : body.get("access_token");
    if (!(token instanceof String t) || t.isEmpty()) {
      throw new ResolveException(
          "the token service of registry " + ref.registry() + " answered without a token");
    }
    return "Bearer " + t;
  }

  private HttpResponse<byte[]> send(URI uri, String method, String authorization)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", ACCEPT)
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Optional<String> digestHeader(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Docker-Content-Digest")
        .filter(d -> DIGEST.matcher(d).matches());
  }

  /**
   * The {@code message} of each entry of a registry's {@code errors} list, e.g. manifest unknown.
   */
  static String registryErrors(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    try {
      Object errors =
          JSON.unmarshal(new String(body, StandardCharsets.UTF_8), Map.class).get("errors");
      if (!(errors instanceof List<?> list)) {
        return "";
      }
      StringBuilder sb = new StringBuilder();
      for (Object item : list) {
        if (!(item instanceof Map<?, ?> e)) {
          continue;
        }
        if (sb.length() > 0) {
          sb.append("; ");
        }
        String code = e.get("code") instanceof String c ? c : "";
        String message = e.get("message") instanceof String m ? m : "";
        sb.append(code.isEmpty() ? "" : code.toLowerCase(Locale.ROOT).replace('_', ' ') + ": ")
            .append(message);
      }
      return sb.toString();
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String basic(RegistryCredentials.Login login) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
