package dev.previewenv.core;

import dev.previewenv.core.internal.SecretValues;
import dev.previewenv.core.internal.diagnostics.DiagnosticsWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * Writes a diagnostics folder for an environment, for a human reading a failed CI run:
 *
 * <ul>
 *   <li>{@code summary.md}: one page: namespace and phase, each workload's readiness, failing pods
 *       with reason and message, the last Warning events, collection errors, pointers to the files;
 *   <li>{@code objects/<Kind>-<name>.yaml}: each object in the namespace (and the namespace);
 *   <li>{@code events.txt}: the namespace's events in time order;
 *   <li>{@code pods.txt}: pod conditions and container statuses;
 *   <li>{@code logs/<pod>/<container>.log} and {@code .previous.log}: the last lines of current and
 *       previous container logs.
 * </ul>
 *
 * <p>Guarantees: Secret {@code data}/{@code stringData} values are replaced by {@code <redacted>};
 * {@code kubectl.kubernetes.io/last-applied-configuration} annotations and {@code managedFields}
 * are dropped; literal env values of variables whose name suggests a credential (password, secret,
 * token, key, credential) are redacted; and every value of every Secret in the namespace (decoded
 * and base64, when at least 4 characters long) is scrubbed from all text written, logs included.
 * Collection never throws: an error (e.g. no permission to read logs) is recorded in the summary
 * and the rest is still written.
 */
public final class Diagnostics {
  /** Log lines kept per container when not given. */
  public static final int DEFAULT_LOG_TAIL_LINES = DiagnosticsWriter.DEFAULT_LOG_TAIL_LINES;

  private Diagnostics() {}

  /**
   * Writes diagnostics of {@code namespace} into {@code dir} (created if needed; callers use {@code
   * target/previewenv/<env>/}) with the last {@value #DEFAULT_LOG_TAIL_LINES} log lines per
   * container, and returns the summary file.
   */
  public static Path write(KubernetesClient client, String namespace, Path dir) {
    return write(client, namespace, dir, DEFAULT_LOG_TAIL_LINES);
  }

  /**
   * Writes diagnostics of {@code namespace} into {@code dir} keeping the last {@code logTailLines}
   * lines of each container log, and returns the summary file ({@code dir/summary.md}).
   */
  public static Path write(KubernetesClient client, String namespace, Path dir, int logTailLines) {
    if (logTailLines < 1) {
      throw new IllegalArgumentException("logTailLines must be >= 1, was " + logTailLines);
    }
    return new DiagnosticsWriter(client, namespace, dir, logTailLines).write();
  }

  /** Like {@link #write(KubernetesClient, String, Path)}, also scrubbing {@code known} values. */
  static Path write(KubernetesClient client, String namespace, Path dir, SecretValues known) {
    return new DiagnosticsWriter(client, namespace, dir, DEFAULT_LOG_TAIL_LINES, known).write();
  }
}
