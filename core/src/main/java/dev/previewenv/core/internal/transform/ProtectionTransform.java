package dev.previewenv.core.internal.transform;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Puts chosen ingresses behind a central OAuth2 Proxy with ingress-nginx's external authentication
 * annotations: {@code auth-url} {@code https://<authHost>/oauth2/auth}, {@code auth-signin} {@code
 * https://<authHost>/oauth2/start?rd=$scheme://$host$request_uri} and {@code
 * auth-response-headers}.
 *
 * <p>An ingress is chosen when its name is in {@code names}, or when its labels contain every pair
 * of one of {@code labelSelectors}. A name or selector that matches no ingress is a problem: a typo
 * would otherwise leave a sensitive tool open. Choosing ingresses without an auth host is a problem
 * too.
 */
public record ProtectionTransform(
    Set<String> names, List<Map<String, String>> labelSelectors, String authHost) {
  public static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";
  public static final String AUTH_SIGNIN = "nginx.ingress.kubernetes.io/auth-signin";
  public static final String AUTH_RESPONSE_HEADERS =
      "nginx.ingress.kubernetes.io/auth-response-headers";
  public static final String RESPONSE_HEADERS = "X-Auth-Request-User,X-Auth-Request-Email";

  private static final Pattern HOST =
      Pattern.compile(
          "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?");

  /**
   * @throws IllegalArgumentException when the auth host is not a host name (with optional port)
   */
  public ProtectionTransform {
    names = Set.copyOf(names);
    labelSelectors = labelSelectors.stream().map(Map::copyOf).toList();
    if (authHost != null && !HOST.matcher(authHost).matches()) {
      throw new IllegalArgumentException(
          "Auth host \""
              + authHost
              + "\" is invalid: give the host name of the central OAuth2 Proxy, optionally with a"
              + " port, without scheme or path, e.g. \"auth.example.com\"");
    }
  }

  public boolean isEmpty() {
    return names.isEmpty() && labelSelectors.isEmpty();
  }

  public Outcome apply(List<HasMetadata> input) {
    if (isEmpty()) {
      return Outcome.of(input, List.of());
    }
    List<String> problems = new ArrayList<>();
    if (authHost == null) {
      problems.add(
          "ingresses are chosen for protection ("
              + describeSelectors()
              + ") but no auth host is set; set the host of the central OAuth2 Proxy, e.g."
              + " auth.example.com");
    }
    Set<String> namesSeen = new HashSet<>();
    boolean[] selectorUsed = new boolean[labelSelectors.size()];
    List<HasMetadata> out = new ArrayList<>(input.size());
    for (HasMetadata o : input) {
      if (!IngressHostTransform.isIngress(o)) {
        out.add(o);
        continue;
      }
      String name = Resources.name(o);
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
      if (!chosen || authHost == null) {
        out.add(o);
        continue;
      }
      HasMetadata copy = Resources.copy(o);
      Map<String, String> annotations =
          copy.getMetadata().getAnnotations() == null
              ? new LinkedHashMap<>()
              : new LinkedHashMap<>(copy.getMetadata().getAnnotations());
      annotations.put(AUTH_URL, "https://" + authHost + "/oauth2/auth");
      annotations.put(
          AUTH_SIGNIN, "https://" + authHost + "/oauth2/start?rd=$scheme://$host$request_uri");
      annotations.put(AUTH_RESPONSE_HEADERS, RESPONSE_HEADERS);
      copy.getMetadata().setAnnotations(annotations);
      out.add(copy);
    }
    Set<String> missing = new TreeSet<>(names);
    missing.removeAll(namesSeen);
    for (String name : missing) {
      problems.add(
          "Ingress \""
              + name
              + "\" is to be protected, but the plan has no Ingress of that name; fix the name"
              + " (a typo would leave a sensitive tool open)");
    }
    for (int i = 0; i < labelSelectors.size(); i++) {
      if (!selectorUsed[i]) {
        problems.add(
            "ingresses labelled "
                + new TreeMap<>(labelSelectors.get(i))
                + " are to be protected, but no Ingress in the plan has these labels; fix the"
                + " selector (a typo would leave a sensitive tool open)");
      }
    }
    return Outcome.of(out, problems);
  }

  private String describeSelectors() {
    List<String> parts = new ArrayList<>();
    names.stream().sorted().forEach(n -> parts.add("Ingress/" + n));
    labelSelectors.forEach(s -> parts.add("labels " + new TreeMap<>(s)));
    return String.join(", ", parts);
  }
}
