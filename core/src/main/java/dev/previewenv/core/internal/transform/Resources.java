package dev.previewenv.core.internal.transform;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers shared by the transformations: naming objects in messages and generic tree access. */
final class Resources {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Resources() {}

  /**
   * The object as a generic tree of maps, lists and scalars (a new tree; the object is unchanged).
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> toTree(HasMetadata o) {
    return SERIALIZATION.convertValue(o, LinkedHashMap.class);
  }

  /** A new object of {@code type} made from a tree. */
  static <T extends HasMetadata> T fromTree(Map<String, Object> tree, Class<T> type) {
    return SERIALIZATION.convertValue(tree, type);
  }

  /** A deep copy (converted through a token buffer, cheaper than a JSON text round trip). */
  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> T copy(T o) {
    return (T) SERIALIZATION.convertValue(o, o.getClass());
  }
}
