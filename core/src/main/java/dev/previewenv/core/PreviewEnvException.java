package dev.previewenv.core;

import java.util.Optional;

/**
 * The one unchecked root exception of PreviewEnv. Every message names the environment, namespace or
 * object it is about, says what was expected and what was seen, and what to do. Messages never
 * contain secret values.
 *
 * <p>Subclasses exist only where a caller would catch them separately: {@link InvalidPlanException}
 * (bad input, nothing was sent to the cluster).
 */
public class PreviewEnvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String environment;
  private final String object;

  public PreviewEnvException(String message) {
    this(message, null, null, null);
  }

  public PreviewEnvException(String message, Throwable cause) {
    this(message, null, null, cause);
  }

  /**
   * @param environment the environment name, or {@code null} when not known
   * @param object the object coordinates such as {@code Deployment/api}, or {@code null}
   */
  public PreviewEnvException(String message, String environment, String object, Throwable cause) {
    super(message, cause);
    this.environment = environment;
    this.object = object;
  }

  /** The environment this error is about, when known. */
  public Optional<String> environment() {
    return Optional.ofNullable(environment);
  }

  /**
   * The object this error is about ({@code Kind/name} or {@code Kind/namespace/name}), when known.
   */
  public Optional<String> object() {
    return Optional.ofNullable(object);
  }
}
