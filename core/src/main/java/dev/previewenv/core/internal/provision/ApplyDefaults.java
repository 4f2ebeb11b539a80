package dev.previewenv.core.internal.provision;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;

/**
 * Fills in defaults that server-side apply needs before the API server's own defaulting runs.
 *
 * <p>Kubernetes before 1.22 builds the apply patch's typed object before defaulting, so a Service
 * port or container port without {@code protocol} is refused with HTTP 500 "associative list with
 * keys has an element that omits key field protocol" (the list's merge key is port + protocol).
 * Setting {@code protocol: TCP} where it is missing is exactly what defaulting would do, so it
 * changes nothing on newer servers. Seen on a real 1.20 cluster; kubernetes issue 58477/95920 era.
 */
final class ApplyDefaults {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final List<String> CONTAINER_LISTS =
      List.of("containers", "initContainers", "ephemeralContainers");

  private ApplyDefaults() {}

  /** {@code object} itself when nothing is missing, else a copy with the defaults filled in. */
  static HasMetadata withProtocolDefaults(HasMetadata object) {
    Map<String, Object> tree = SERIALIZATION.convertValue(object, Map.class);
    boolean isService =
        "Service".equals(object.getKind())
            && ("v1".equals(object.getApiVersion()) || object.getApiVersion() == null);
    boolean changed = isService && defaultPorts(at(tree, "spec"), "ports");
    changed |= walk(tree);
    return changed ? SERIALIZATION.convertValue(tree, object.getClass()) : object;
  }

  private static boolean walk(Object node) {
    boolean changed = false;
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (CONTAINER_LISTS.contains(e.getKey()) && e.getValue() instanceof List<?> containers) {
          for (Object c : containers) {
            if (c instanceof Map<?, ?> container) {
              changed |= defaultPorts(container, "ports");
            }
          }
        }
        changed |= walk(e.getValue());
      }
    } else if (node instanceof List<?> list) {
      for (Object item : list) {
        changed |= walk(item);
      }
    }
    return changed;
  }

  @SuppressWarnings("unchecked")
  private static boolean defaultPorts(Object owner, String key) {
    if (!(owner instanceof Map<?, ?> map) || !(map.get(key) instanceof List<?> ports)) {
      return false;
    }
    boolean changed = false;
    for (Object p : ports) {
      if (p instanceof Map<?, ?> port && port.get("protocol") == null) {
        ((Map<String, Object>) port).put("protocol", "TCP");
        changed = true;
      }
    }
    return changed;
  }

  private static Object at(Map<String, Object> tree, String key) {
    return tree.get(key);
  }
}
