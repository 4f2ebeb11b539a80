package dev.previewenv.core.internal.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Locale;

/**
 * How objects are named: in messages ({@code Kind/namespace/name}), as API resources (group and
 * plural), and the few null-safe reads of their metadata every room needs.
 */
public final class Coordinates {
  private Coordinates() {}

  /** {@code Kind/name}, or {@code Kind/namespace/name} when the object names a namespace. */
  public static String describe(HasMetadata o) {
    String ns = namespace(o);
    return o.getKind() + "/" + (ns == null || ns.isEmpty() ? "" : ns + "/") + name(o);
  }

  /** {@code Kind/name} without namespace, for messages about one namespace. */
  public static String kindName(HasMetadata o) {
    return o.getKind() + "/" + name(o);
  }

  /** The object's name, or null when it has no metadata. */
  public static String name(HasMetadata o) {
    return o.getMetadata() == null ? null : o.getMetadata().getName();
  }

  /** The object's namespace, or null when it has none. */
  public static String namespace(HasMetadata o) {
    return o.getMetadata() == null ? null : o.getMetadata().getNamespace();
  }

  /** The object's uid, or null for no object. */
  public static String uid(HasMetadata o) {
    return o == null || o.getMetadata() == null ? null : o.getMetadata().getUid();
  }

  /** {@code metadata.generation}, 1 when the server has not set it. */
  public static long generation(HasMetadata o) {
    Long g = o.getMetadata() == null ? null : o.getMetadata().getGeneration();
    return g == null ? 1 : g;
  }

  /** The API group of an apiVersion: {@code apps/v1} gives {@code apps}, {@code v1} gives "". */
  public static String group(String apiVersion) {
    if (apiVersion == null) {
      return "";
    }
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** The plural resource name of an object's kind, e.g. {@code Ingress} gives {@code ingresses}. */
  public static String resourceOf(HasMetadata object) {
    if (!(object instanceof GenericKubernetesResource)) {
      try {
        String plural = HasMetadata.getPlural(object.getClass());
        if (plural != null && !plural.isBlank()) {
          return plural;
        }
      } catch (RuntimeException e) {
        // fall through to the English rule
      }
    }
    return plural(object.getKind());
  }

  /** The English plural of a lowercased kind, as Kubernetes forms resource names. */
  public static String plural(String kind) {
    String k = kind.toLowerCase(Locale.ROOT);
    if (k.endsWith("s") || k.endsWith("x") || k.endsWith("ch") || k.endsWith("sh")) {
      return k + "es";
    }
    if (k.endsWith("y") && k.length() > 1 && "aeiou".indexOf(k.charAt(k.length() - 2)) < 0) {
      return k.substring(0, k.length() - 1) + "ies";
    }
    return k + "s";
  }

  /** A status or spec list the server left out, as an empty list. */
  public static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** A status count the server left out (it omits zeros), as 0. */
  public static int orZero(Integer v) {
    return v == null ? 0 : v;
  }
}
