package dev.previewenv.core.internal.manifest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * A source of manifests as the manifest room sees it: what {@code dev.previewenv.core
 * .ManifestSource}'s factories are made of. The room depends on this interface only, never on the
 * public {@code ManifestSource} above it; a source a user implements reaches it wrapped.
 */
public interface Source {
  /** The objects, freshly parsed (the caller may change them). */
  List<HasMetadata> load();

  /** What the source is, for messages: a path, a resource, a chart. */
  String description();
}
