package dev.previewenv.core.internal.manifest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Objects;

/**
 * A source rendered by an external tool that needs to know what it renders for: the environment's
 * namespace and, when known, the target server's Kubernetes version. The plan calls {@link
 * #render(Context)} instead of {@link #load()}; {@code load()} renders without that knowledge.
 */
public interface RenderingSource extends Source {

  /** What a render is for. */
  record Context(String namespace, String kubeVersion) {
    /**
     * @param namespace the environment's namespace
     * @param kubeVersion e.g. {@code v1.20.2}; {@code null} when unknown
     */
    public Context {
      Objects.requireNonNull(namespace, "namespace");
    }
  }

  /** The objects and what is worth a warning about them. */
  record Rendered(List<HasMetadata> objects, List<String> warnings) {
    public Rendered {
      objects = List.copyOf(objects);
      warnings = List.copyOf(warnings);
    }
  }

  /** Renders for {@code context}; errors as {@code ManifestSource#load()}. */
  Rendered render(Context context);
}
