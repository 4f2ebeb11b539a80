package dev.previewenv.core;

import java.util.Optional;

/**
 * The environment did not become ready: a pod failed in a way that will not heal by waiting (image
 * pull, configuration, crash loop, scheduling, mount), or the readiness timeout passed. The message
 * names each object that was not ready, the container, the reason and the last state seen, and
 * where the diagnostics folder was written ({@link #diagnostics()}).
 */
public class NotReadyException extends PreviewEnvException {
  private static final long serialVersionUID = 1L;

  private final String diagnostics;

  public NotReadyException(String message, String environment, String object) {
    this(message, environment, object, null);
  }

  /**
   * @param diagnostics the diagnostics folder (or its summary file) written for the failure, or
   *     {@code null} when none was written
   */
  public NotReadyException(String message, String environment, String object, String diagnostics) {
    super(message, environment, object, null);
    this.diagnostics = diagnostics;
  }

  /** The diagnostics written for the failure (the summary file, else the folder), when written. */
  public Optional<String> diagnostics() {
    return Optional.ofNullable(diagnostics);
  }
}
