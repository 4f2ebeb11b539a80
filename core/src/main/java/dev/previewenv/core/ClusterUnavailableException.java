package dev.previewenv.core;

import java.util.Optional;

/**
 * The cluster cannot be used: no kubeconfig, a kubeconfig that does not exist or does not parse, a
 * context it lacks, or an API server that does not answer. Thrown by {@link ClusterConnection}
 * before anything is sent to a cluster. The message is one paragraph naming the kubeconfig and
 * where it was named, the server, and the setting to change; it never contains the kubeconfig's
 * content (which holds tokens and keys).
 */
public class ClusterUnavailableException extends PreviewEnvException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String server;

  /**
   * @param source where the configuration came from, e.g. {@code kubeconfig /x (from KUBECONFIG)},
   *     or {@code null}
   * @param server the API server URL, or {@code null} when not known
   */
  public ClusterUnavailableException(
      String message, String source, String server, Throwable cause) {
    super(message, null, null, cause);
    this.source = source;
    this.server = server;
  }

  /** Where the configuration came from, when known. */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }

  /** The API server's URL, when known. */
  public Optional<String> server() {
    return Optional.ofNullable(server);
  }
}
