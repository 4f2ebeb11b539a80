package dev.previewenv.core.internal.transform;

import dev.previewenv.core.internal.kube.Coordinates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks the plan as a whole: every object has apiVersion, kind and name; no two objects share API
 * group, kind, namespace and name; names are valid for their kind, as the API server would check
 * them: a DNS-1123 label for Namespace, a DNS-1035 label (starting with a letter) for Service, a
 * path segment for RBAC roles and bindings (so {@code system:aggregate-to-view} passes), a DNS-1123
 * subdomain of at most 52 characters for CronJob (its Jobs get an 11 character suffix), a DNS-1123
 * subdomain for everything else.
 */
public final class PlanValidator {
  private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
  private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
  private static final String RBAC = "rbac.authorization.k8s.io";

  private PlanValidator() {}

  /** Every problem found, in object order; empty when the objects are valid. */
  public static List<String> validate(List<HasMetadata> objects) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>(objects.size() * 2);
    for (int i = 0; i < objects.size(); i++) {
      HasMetadata o = objects.get(i);
      String name = Coordinates.name(o);
      if (o.getApiVersion() == null || o.getApiVersion().isEmpty()) {
        problems.add("object #" + (i + 1) + " (" + Coordinates.describe(o) + ") has no apiVersion");
      }
      if (o.getKind() == null || o.getKind().isEmpty()) {
        problems.add("object #" + (i + 1) + " (" + Coordinates.describe(o) + ") has no kind");
        continue;
      }
      if (name == null || name.isEmpty()) {
        problems.add(
            "object #" + (i + 1) + " (" + o.getKind() + ") has no metadata.name; give it a name");
        continue;
      }
      String nameProblem = checkName(Coordinates.group(o.getApiVersion()), o.getKind(), name);
      if (nameProblem != null) {
        problems.add(Coordinates.describe(o) + ": name \"" + name + "\" " + nameProblem);
      }
      String contentProblem = checkContent(o);
      if (contentProblem != null) {
        problems.add(Coordinates.describe(o) + ": " + contentProblem);
      }
      String ns = o.getMetadata().getNamespace();
      String key =
          Coordinates.group(o.getApiVersion())
              + "/"
              + o.getKind()
              + "/"
              + (ns == null ? "" : ns)
              + "/"
              + name;
      Integer first = seen.putIfAbsent(key, i);
      if (first != null) {
        problems.add(
            Coordinates.describe(o)
                + " appears twice (objects #"
                + (first + 1)
                + " and #"
                + (i + 1)
                + "); the second would overwrite the first, remove one or rename it");
      }
    }
    return problems;
  }

  /**
   * The API server stores an object in one etcd request, limited to 1.5 MiB by default (its {@code
   * --max-request-bytes}); a larger object is refused, so it is refused here, before anything is
   * sent.
   */
  public static final int MAX_OBJECT_BYTES = 1536 * 1024;

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** What the API server would refuse in the object's content, or {@code null}. */
  static String checkContent(HasMetadata o) {
    if (o instanceof Secret secret && secret.getData() != null) {
      List<String> bad = new ArrayList<>();
      for (Map.Entry<String, String> e : secret.getData().entrySet()) {
        if (e.getValue() != null && !isBase64(e.getValue())) {
          bad.add(e.getKey());
        }
      }
      if (!bad.isEmpty()) {
        // the value itself is never shown, not even its length
        return "data."
            + String.join(", data.", bad)
            + " is not base64; encode the value (base64 -w0) or put the plain text under"
            + " stringData instead";
      }
    }
    if (o instanceof Ingress ingress
        && ingress.getSpec() != null
        && ingress.getSpec().getRules() != null) {
      for (IngressRule rule : ingress.getSpec().getRules()) {
        String host = rule.getHost();
        if (host != null && (IPV4.matcher(host).matches() || host.contains(":"))) {
          return "spec.rules[].host \""
              + host
              + "\" is an IP address; Kubernetes accepts only DNS names there and no environment"
              + " host can be derived from it. Use a DNS name (e.g. api.example.com)";
        }
      }
    }
    int size = JSON.asJson(o).getBytes(StandardCharsets.UTF_8).length;
    if (size > MAX_OBJECT_BYTES) {
      return (o instanceof Secret ? "is" : "is " + size + " bytes as JSON,")
          + " over the API server's limit of 1.5 MiB per object (etcd's default request size);"
          + " nothing was sent. Move the bulk out of the manifest (a volume, an image, a"
          + " ConfigMap per file)";
    }
    return null;
  }

  private static boolean isBase64(String value) {
    try {
      Base64.getDecoder().decode(value.strip());
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Why the name is invalid for the kind, or {@code null} when it is valid. */
  static String checkName(String group, String kind, String name) {
    if (group.isEmpty() && kind.equals("Namespace")) {
      return label(
          name,
          DNS1123_LABEL,
          "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit");
    }
    if (group.isEmpty() && kind.equals("Service")) {
      return label(
          name,
          DNS1035_LABEL,
          "a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit");
    }
    if (group.equals(RBAC)) {
      if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%")) {
        return "is invalid: RBAC names may not be '.' or '..' or contain '/' or '%'";
      }
      return null;
    }
    int max = group.equals("batch") && kind.equals("CronJob") ? 52 : 253;
    if (name.length() > max) {
      return "has " + name.length() + " characters, more than the " + max + " allowed for " + kind;
    }
    if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
      return "is invalid: it must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.',"
          + " starting and ending with a letter or digit";
    }
    return null;
  }

  private static String label(String name, Pattern pattern, String what) {
    if (name.length() > 63) {
      return "has " + name.length() + " characters, more than the 63 allowed; it must be " + what;
    }
    return pattern.matcher(name).matches() ? null : "is invalid: it must be " + what;
  }
}
