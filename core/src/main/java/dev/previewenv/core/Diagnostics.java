package dev.previewenv.core;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * Writes a diagnostics folder for an environment: objects (secret data redacted), events, pod and
 * container statuses, container logs and a one-page summary. (Body in progress.)
 */
public final class Diagnostics {
  private Diagnostics() {}

  /** Writes diagnostics of {@code namespace} into {@code dir} and returns the summary file. */
  public static Path write(KubernetesClient client, String namespace, Path dir) {
    throw new UnsupportedOperationException("not built yet: " + client + namespace + dir);
  }
}
