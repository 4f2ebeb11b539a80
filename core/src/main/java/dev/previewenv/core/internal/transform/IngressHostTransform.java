package dev.previewenv.core.internal.transform;

import dev.previewenv.core.Route;
import dev.previewenv.core.internal.kube.Coordinates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites every rule host and TLS host of every Ingress ({@code networking.k8s.io/v1}, {@code
 * networking.k8s.io/v1beta1} and {@code extensions/v1beta1}) with a host format, sets external-dns'
 * hostname annotation to the rewritten hosts (and the TTL annotation when a TTL is given), and
 * collects the {@link Route}s. Gateway API {@code HTTPRoute}s and {@code GRPCRoute}s get the same
 * treatment for their {@code spec.hostnames} (same format, same checks, same annotations).
 *
 * <p>The host format has two placeholders, both required: {@code {env}} (the environment name) and
 * {@code {host}} (the original host). {@value #DEFAULT_FORMAT} turns {@code api.example.com} into
 * {@code feature-x.api.example.com}; {@code {env}-{host}} gives {@code feature-x-api.example.com},
 * for wildcard certificates that cover one label. A wildcard host {@code *.example.com} keeps its
 * {@code *.} and has the rest rewritten. Hosts listed in an existing external-dns hostname
 * annotation ({@code external-dns.alpha.kubernetes.io/hostname} or {@code
 * external-dns.kubernetes.io/hostname}) are rewritten too, so no annotation keeps pointing at a
 * production name.
 *
 * <p>A rewritten host with a label over 63 characters, over 253 characters in all, or with
 * characters DNS does not allow is a problem naming the ingress, the host and the limit. Rules
 * without a host give no route.
 */
public record IngressHostTransform(String environment, String hostFormat, Duration ttl) {
  public static final String DEFAULT_FORMAT = "{env}.{host}";
  public static final String HOSTNAME_ANNOTATION = "external-dns.alpha.kubernetes.io/hostname";
  public static final String NEW_HOSTNAME_ANNOTATION = "external-dns.kubernetes.io/hostname";
  public static final String TTL_ANNOTATION = "external-dns.alpha.kubernetes.io/ttl";
  public static final int MAX_LABEL = 63;
  public static final int MAX_HOST = 253;

  private static final Set<String> INGRESS_API_VERSIONS =
      Set.of("networking.k8s.io/v1", "networking.k8s.io/v1beta1", "extensions/v1beta1");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^}]*}");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /**
   * @param ttl the external-dns TTL, whole seconds of at least one; {@code null} for none
   * @throws IllegalArgumentException when the format or the TTL is invalid
   */
  public IngressHostTransform {
    Objects.requireNonNull(environment, "environment");
    hostFormat = hostFormat == null ? DEFAULT_FORMAT : hostFormat;
    checkFormat(hostFormat);
    if (ttl != null && (ttl.getSeconds() < 1 || ttl.getNano() != 0)) {
      throw new IllegalArgumentException(
          "external-dns TTL " + ttl + " is invalid: use whole seconds, at least 1, e.g. PT60S");
    }
  }

  /**
   * Checks a host format.
   *
   * @throws IllegalArgumentException quoting the format when it is invalid
   */
  public static void checkFormat(String format) {
    Matcher m = PLACEHOLDER.matcher(format);
    Set<String> seen = new LinkedHashSet<>();
    while (m.find()) {
      String p = m.group();
      if (!p.equals("{env}") && !p.equals("{host}")) {
        throw new IllegalArgumentException(
            "Host format \""
                + format
                + "\" has an unknown placeholder "
                + p
                + "; only {env} and {host} exist, e.g. \"{env}.{host}\" or \"{env}-{host}\"");
      }
      seen.add(p);
    }
    String rest = PLACEHOLDER.matcher(format).replaceAll("");
    if (seen.size() != 2 || rest.contains("{") || rest.contains("}") || rest.contains("*")) {
      throw new IllegalArgumentException(
          "Host format \""
              + format
              + "\" must contain both {env} and {host} and no other braces, e.g. \"{env}.{host}\""
              + " or \"{env}-{host}\"");
    }
  }

  /** The host as rewritten, without validation. */
  public String rewrite(String host) {
    if (host.startsWith("*.")) {
      return "*." + rewrite(host.substring(2));
    }
    return hostFormat.replace("{env}", environment).replace("{host}", host);
  }

  static boolean isIngress(HasMetadata o) {
    return "Ingress".equals(o.getKind()) && INGRESS_API_VERSIONS.contains(o.getApiVersion());
  }

  /** Gateway API routes whose {@code spec.hostnames} are rewritten: HTTPRoute and GRPCRoute. */
  public static final Set<String> ROUTE_KINDS = Set.of("HTTPRoute", "GRPCRoute");

  /** The Gateway API group, any version ({@code v1}, {@code v1beta1}, {@code v1alpha2}). */
  public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  static boolean isGatewayRoute(HasMetadata o) {
    return ROUTE_KINDS.contains(o.getKind())
        && o.getApiVersion() != null
        && o.getApiVersion().startsWith(GATEWAY_GROUP + "/");
  }

  public Outcome apply(List<HasMetadata> input) {
    List<HasMetadata> out = new ArrayList<>(input.size());
    Set<String> problems = new LinkedHashSet<>(); // a host may appear in rules, TLS and annotation
    List<Route> routes = new ArrayList<>();
    for (HasMetadata o : input) {
      if (isIngress(o)) {
        out.add(rewriteIngress(o, problems, routes));
      } else if (isGatewayRoute(o)) {
        out.add(rewriteGatewayRoute(o, problems, routes));
      } else {
        out.add(o);
      }
    }
    return new Outcome(out, List.copyOf(problems), List.of(), routes);
  }

  @SuppressWarnings("unchecked")
  private HasMetadata rewriteIngress(HasMetadata o, Set<String> problems, List<Route> routes) {
    String name = Coordinates.name(o);
    Map<String, Object> tree = Resources.toTree(o);
    Map<String, Object> spec = map(tree.get("spec"));
    Set<String> hosts = new LinkedHashSet<>();
    Set<String> tlsHosts = new LinkedHashSet<>();
    for (Object t : list(spec.get("tls"))) {
      if (t instanceof Map<?, ?> tls && tls.get("hosts") instanceof List<?> list) {
        List<Object> rewritten = new ArrayList<>(list.size());
        for (Object h : list) {
          rewritten.add(h instanceof String s ? checked("Ingress/" + name, s, problems) : h);
          if (h instanceof String s) {
            tlsHosts.add(rewrite(s));
          }
        }
        ((Map<String, Object>) tls).put("hosts", rewritten);
      }
    }
    Map<String, Object> defaultBackend =
        map(spec.containsKey("defaultBackend") ? spec.get("defaultBackend") : spec.get("backend"));
    for (Object r : list(spec.get("rules"))) {
      if (!(r instanceof Map<?, ?> rule) || !(rule.get("host") instanceof String host)) {
        continue;
      }
      if (host.isEmpty()) {
        continue;
      }
      String newHost = checked("Ingress/" + name, host, problems);
      ((Map<String, Object>) rule).put("host", newHost);
      hosts.add(newHost);
      boolean tls = coveredByTls(newHost, tlsHosts);
      List<?> paths = list(map(rule.get("http")).get("paths"));
      if (paths.isEmpty()) {
        addRoute(routes, name, newHost, "/", defaultBackend, tls);
      }
      for (Object p : paths) {
        Map<String, Object> path = map(p);
        addRoute(
            routes,
            name,
            newHost,
            path.get("path") instanceof String s ? s : "/",
            map(path.get("backend")),
            tls);
      }
    }
    hosts.addAll(tlsHosts);
    annotate(tree, "Ingress/" + name, hosts, problems);
    return Resources.fromTree(tree, o.getClass());
  }

  /**
   * Sets external-dns' hostname annotation (and the TTL) to {@code hosts} plus the rewritten hosts
   * an existing hostname annotation lists.
   */
  @SuppressWarnings("unchecked")
  private void annotate(
      Map<String, Object> tree, String object, Set<String> hosts, Set<String> problems) {
    if (!(tree.get("metadata") instanceof Map<?, ?>)) {
      tree.put("metadata", new LinkedHashMap<String, Object>());
    }
    Map<String, Object> metadata = map(tree.get("metadata"));
    Map<String, Object> annotations =
        metadata.get("annotations") instanceof Map<?, ?> a
            ? (Map<String, Object>) a
            : new LinkedHashMap<>();
    for (String key : List.of(HOSTNAME_ANNOTATION, NEW_HOSTNAME_ANNOTATION)) {
      if (annotations.get(key) instanceof String listed) {
        for (String h : listed.split(",")) {
          if (!h.isBlank()) {
            hosts.add(checked(object, h.strip(), problems));
          }
        }
      }
    }
    if (!hosts.isEmpty()) {
      String joined = String.join(",", hosts);
      annotations.put(HOSTNAME_ANNOTATION, joined);
      if (annotations.containsKey(NEW_HOSTNAME_ANNOTATION)) {
        annotations.put(NEW_HOSTNAME_ANNOTATION, joined);
      }
      if (ttl != null) {
        annotations.put(TTL_ANNOTATION, Long.toString(ttl.getSeconds()));
      }
      metadata.put("annotations", annotations);
    }
  }

  /**
   * Rewrites {@code spec.hostnames} of an HTTPRoute or GRPCRoute and collects a {@link Route} per
   * hostname and backend: the first path match of each rule ({@code /} for GRPCRoute and rules
   * without one), the backend Services ({@code backendRefs} without kind or of kind Service). The
   * URL is https when a {@code parentRefs} entry names port 443 or a section whose name contains
   * {@code https}, else http: the listener (and its certificate) lives on the shared Gateway.
   */
  @SuppressWarnings("unchecked")
  private HasMetadata rewriteGatewayRoute(HasMetadata o, Set<String> problems, List<Route> routes) {
    String object = o.getKind() + "/" + Coordinates.name(o);
    Map<String, Object> tree = Resources.toTree(o);
    Map<String, Object> spec = map(tree.get("spec"));
    Set<String> hosts = new LinkedHashSet<>();
    if (spec.get("hostnames") instanceof List<?> list) {
      List<Object> rewritten = new ArrayList<>(list.size());
      for (Object h : list) {
        if (h instanceof String s && !s.isEmpty()) {
          String n = checked(object, s, problems);
          rewritten.add(n);
          hosts.add(n);
        } else {
          rewritten.add(h);
        }
      }
      spec.put("hostnames", rewritten);
    }
    boolean tls = false;
    for (Object p : list(spec.get("parentRefs"))) {
      Map<String, Object> parent = map(p);
      Object section = parent.get("sectionName");
      Object port = parent.get("port");
      if ((section instanceof String sn && sn.toLowerCase(java.util.Locale.ROOT).contains("https"))
          || (port != null && String.valueOf(port).equals("443"))) {
        tls = true;
      }
    }
    boolean grpc = "GRPCRoute".equals(o.getKind());
    for (String host : hosts) {
      if (host.startsWith("*.")) {
        continue;
      }
      for (Object r : list(spec.get("rules"))) {
        Map<String, Object> rule = map(r);
        String path = "/";
        if (!grpc) {
          for (Object m : list(rule.get("matches"))) {
            if (map(map(m).get("path")).get("value") instanceof String v) {
              path = v;
              break;
            }
          }
        }
        for (Object b : list(rule.get("backendRefs"))) {
          Map<String, Object> ref = map(b);
          Object kind = ref.get("kind");
          Object group = ref.get("group");
          if ((kind != null && !"Service".equals(kind))
              || (group != null && !"".equals(group))
              || !(ref.get("name") instanceof String service)) {
            continue;
          }
          Object port = ref.get("port");
          routes.add(
              new Route(
                  Coordinates.name(o),
                  service,
                  port == null ? null : String.valueOf(port),
                  host,
                  path,
                  tls));
        }
      }
    }
    annotate(tree, object, hosts, problems);
    return Resources.fromTree(tree, o.getClass());
  }

  private static void addRoute(
      List<Route> routes,
      String ingress,
      String host,
      String path,
      Map<String, Object> backend,
      boolean tls) {
    Map<String, Object> service = map(backend.get("service"));
    String serviceName = null;
    String port = null;
    if (service.get("name") instanceof String s) {
      serviceName = s;
      Map<String, Object> p = map(service.get("port"));
      Object number = p.get("number");
      port = number != null ? String.valueOf(number) : (String) p.get("name");
    } else if (backend.get("serviceName") instanceof String s) {
      serviceName = s;
      Object p = backend.get("servicePort");
      port = p == null ? null : String.valueOf(p);
    }
    if (serviceName != null) {
      routes.add(new Route(ingress, serviceName, port, host, path, tls));
    }
  }

  private static boolean coveredByTls(String host, Set<String> tlsHosts) {
    if (tlsHosts.contains(host)) {
      return true;
    }
    int dot = host.indexOf('.');
    return dot > 0 && tlsHosts.contains("*" + host.substring(dot));
  }

  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private String checked(String object, String host, Set<String> problems) {
    if (IPV4.matcher(host).matches() || host.contains(":")) {
      problems.add(
          object
              + ": host \""
              + host
              + "\" is an IP address; Kubernetes accepts only DNS names as hosts and"
              + " no environment host can be derived from an address. Use a DNS name (e.g."
              + " api.example.com)");
      return host;
    }
    String rewritten = rewrite(host);
    String where = object + ": host \"" + host + "\" becomes \"" + rewritten + "\"";
    String fix = "; use a shorter branch name or environment prefix, or a shorter host format";
    if (rewritten.length() > MAX_HOST) {
      problems.add(
          where
              + ", "
              + rewritten.length()
              + " characters long, over the DNS limit of "
              + MAX_HOST
              + fix);
      return rewritten;
    }
    String[] labels = rewritten.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (i == 0 && label.equals("*")) {
        continue;
      }
      if (label.length() > MAX_LABEL) {
        problems.add(
            where
                + ", whose label \""
                + label
                + "\" has "
                + label.length()
                + " characters, over the DNS label limit of "
                + MAX_LABEL
                + fix);
        return rewritten;
      }
      if (!LABEL.matcher(label).matches()) {
        problems.add(
            where
                + ", whose label \""
                + label
                + "\" is not a valid DNS label (lowercase letters, digits and '-', starting and"
                + " ending with a letter or digit); fix the host in the manifest or the host"
                + " format");
        return rewritten;
      }
    }
    return rewritten;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }
}
