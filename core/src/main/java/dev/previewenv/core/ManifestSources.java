package dev.previewenv.core;

import dev.previewenv.core.internal.manifest.Source;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.function.Supplier;

/**
 * The way from a {@link ManifestSource} to the manifest room's {@link Source}: one of PreviewEnv's
 * own sources gives back what it wraps; a source a user implements is adapted.
 */
final class ManifestSources {
  private ManifestSources() {}

  static Source unwrap(ManifestSource s) {
    if (s instanceof Supplier<?> wrapped && wrapped.get() instanceof Source own) {
      return own;
    }
    return new Source() {
      @Override
      public List<HasMetadata> load() {
        return s.load();
      }

      @Override
      public String description() {
        return s.description();
      }

      @Override
      public String toString() {
        return s.toString();
      }
    };
  }
}
