package dev.previewenv.core.internal.transform.protection;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers of the providers. */
final class Annotations {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Annotations() {}

  /** A copy of {@code o} with these annotations added (replacing same keys). */
  static HasMetadata with(HasMetadata o, Map<String, String> added) {
    @SuppressWarnings("unchecked")
    HasMetadata copy = SERIALIZATION.clone(o);
    if (copy.getMetadata() == null) {
      copy.setMetadata(new ObjectMeta());
    }
    Map<String, String> annotations =
        copy.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(copy.getMetadata().getAnnotations());
    annotations.putAll(added);
    copy.getMetadata().setAnnotations(annotations);
    return copy;
  }

  static String get(HasMetadata o, String key) {
    return o.getMetadata() == null || o.getMetadata().getAnnotations() == null
        ? null
        : o.getMetadata().getAnnotations().get(key);
  }

  /** A custom resource from its parts. */
  static GenericKubernetesResource resource(
      String apiVersion, String kind, String namespace, String name, Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(apiVersion);
    r.setKind(kind);
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(namespace);
    r.setMetadata(meta);
    r.setAdditionalProperty("spec", spec);
    return r;
  }
}
