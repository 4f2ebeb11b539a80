package dev.previewenv.core.internal.transform;

import dev.previewenv.core.Protection;
import dev.previewenv.core.internal.kube.Coordinates;
import dev.previewenv.core.internal.transform.protection.AuthProvider;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts chosen Ingresses (and, for Envoy Gateway, HTTPRoutes and GRPCRoutes) behind a central OAuth2
 * Proxy with the chosen {@link Protection} provider: ingress-nginx annotations ({@code auth-url}
 * {@code https://<authHost>/oauth2/auth}, {@code auth-signin} {@code
 * https://<authHost>/oauth2/start?rd=$scheme://$host$request_uri}, {@code auth-response-headers}),
 * a Traefik ForwardAuth Middleware with the router annotation, or an Envoy Gateway SecurityPolicy.
 *
 * <p>An object is chosen when its name is in {@code names}, or when its labels contain every pair
 * of one of {@code labelSelectors}. A name or selector that matches nothing is a problem: a typo
 * would otherwise leave a sensitive tool open. So is a chosen object the provider cannot protect,
 * and a setting it needs but lacks (auth host, OAuth2 Proxy Service).
 *
 * @param service the OAuth2 Proxy Service, {@code namespace/name:port}; {@code null} for none
 * @param namespace the environment's namespace, for the objects a provider adds
 */
public record ProtectionTransform(
    Set<String> names,
    List<Map<String, String>> labelSelectors,
    String authHost,
    Protection protection,
    String service,
    String namespace) {
  public static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";
  public static final String AUTH_SIGNIN = "nginx.ingress.kubernetes.io/auth-signin";
  public static final String AUTH_RESPONSE_HEADERS =
      "nginx.ingress.kubernetes.io/auth-response-headers";
  public static final String RESPONSE_HEADERS = "X-Auth-Request-User,X-Auth-Request-Email";

  private static final Pattern HOST =
      Pattern.compile(
          "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SERVICE = Pattern.compile("([^/:]+)/([^/:]+):([0-9]{1,5})");

  /**
   * @throws IllegalArgumentException when the auth host is not a host name (with optional port) or
   *     the service is not {@code namespace/name:port}
   */
  public ProtectionTransform {
    names = Set.copyOf(names);
    labelSelectors = labelSelectors.stream().map(Map::copyOf).toList();
    protection = protection == null ? Protection.INGRESS_NGINX : protection;
    if (authHost != null && !HOST.matcher(authHost).matches()) {
      throw new IllegalArgumentException(
          "Auth host \""
              + authHost
              + "\" is invalid: give the host name of the central OAuth2 Proxy, optionally with a"
              + " port, without scheme or path, e.g. \"auth.example.com\"");
    }
    if (service != null) {
      serviceRef(service);
    }
  }

  /** ingress-nginx protection, as before providers existed. */
  public ProtectionTransform(
      Set<String> names, List<Map<String, String>> labelSelectors, String authHost) {
    this(names, labelSelectors, authHost, Protection.INGRESS_NGINX, null, null);
  }

  /**
   * Parses {@code namespace/name:port}.
   *
   * @throws IllegalArgumentException quoting the value when it is not of that form
   */
  public static AuthProvider.ServiceRef serviceRef(String service) {
    Matcher m = SERVICE.matcher(Objects.requireNonNull(service, "service").strip());
    if (!m.matches()
        || !LABEL.matcher(m.group(1)).matches()
        || !LABEL.matcher(m.group(2)).matches()
        || Integer.parseInt(m.group(3)) < 1
        || Integer.parseInt(m.group(3)) > 65535) {
      throw new IllegalArgumentException(
          "OAuth2 Proxy Service \""
              + service
              + "\" is invalid: give <namespace>/<service name>:<port>, e.g."
              + " \"auth/oauth2-proxy:4180\"");
    }
    return new AuthProvider.ServiceRef(m.group(1), m.group(2), Integer.parseInt(m.group(3)));
  }

  public boolean isEmpty() {
    return names.isEmpty() && labelSelectors.isEmpty();
  }

  static boolean isProtectable(HasMetadata o) {
    return IngressHostTransform.isIngress(o) || IngressHostTransform.isGatewayRoute(o);
  }

  public Outcome apply(List<HasMetadata> input) {
    if (isEmpty()) {
      return Outcome.of(input, List.of());
    }
    AuthProvider provider = AuthProvider.of(protection);
    AuthProvider.Settings settings =
        new AuthProvider.Settings(
            authHost, service == null ? null : serviceRef(service), namespace);
    List<String> problems = new ArrayList<>();
    List<String> unmet = provider.check(settings);
    for (String p : unmet) {
      problems.add(p + " (chosen for protection: " + describeSelectors() + ")");
    }
    Set<String> namesSeen = new HashSet<>();
    boolean[] selectorUsed = new boolean[labelSelectors.size()];
    List<HasMetadata> out = new ArrayList<>(input.size());
    List<HasMetadata> protectedObjects = new ArrayList<>();
    for (HasMetadata o : input) {
      if (!isProtectable(o)) {
        out.add(o);
        continue;
      }
      String name = Coordinates.name(o);
      boolean chosen = names.contains(name);
      if (chosen) {
        namesSeen.add(name);
      }
      Map<String, String> labels = o.getMetadata() == null ? null : o.getMetadata().getLabels();
      for (int i = 0; i < labelSelectors.size(); i++) {
        if (labels != null && labels.entrySet().containsAll(labelSelectors.get(i).entrySet())) {
          selectorUsed[i] = true;
          chosen = true;
        }
      }
      if (!chosen) {
        out.add(o);
        continue;
      }
      if (!provider.canProtect(o)) {
        problems.add(
            o.getKind()
                + "/"
                + name
                + " is chosen for protection, but "
                + provider.displayName()
                + " protects only "
                + provider.protectsWhat()
                + "; choose the provider that serves it (Plan.Builder.protection(...)) or protect"
                + " the object that "
                + provider.displayName()
                + " serves");
        out.add(o);
        continue;
      }
      if (!unmet.isEmpty()) {
        out.add(o);
        continue;
      }
      HasMetadata changed = provider.protect(o, settings);
      protectedObjects.add(changed);
      out.add(changed);
    }
    if (unmet.isEmpty()) {
      out.addAll(provider.added(protectedObjects, settings));
    }
    Set<String> missing = new TreeSet<>(names);
    missing.removeAll(namesSeen);
    String kinds = protection == Protection.ENVOY_GATEWAY ? "HTTPRoute or GRPCRoute" : "Ingress";
    for (String name : missing) {
      problems.add(
          kinds
              + " \""
              + name
              + "\" is to be protected, but the plan has no "
              + kinds
              + " of that name; fix the name (a typo would leave a sensitive tool open)");
    }
    for (int i = 0; i < labelSelectors.size(); i++) {
      if (!selectorUsed[i]) {
        problems.add(
            "objects labelled "
                + new TreeMap<>(labelSelectors.get(i))
                + " are to be protected, but no "
                + kinds
                + " in the plan has these labels; fix the selector (a typo would leave a"
                + " sensitive tool open)");
      }
    }
    return Outcome.of(out, problems);
  }

  private String describeSelectors() {
    List<String> parts = new ArrayList<>();
    String kind = protection == Protection.ENVOY_GATEWAY ? "route " : "Ingress/";
    names.stream().sorted().forEach(n -> parts.add(kind + n));
    labelSelectors.forEach(s -> parts.add("labels " + new TreeMap<>(s)));
    return String.join(", ", parts);
  }
}
