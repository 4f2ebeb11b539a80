package dev.previewenv.core;

/**
 * The environment did not become ready: a pod failed in a way that will not heal by waiting (image
 * pull, configuration, crash loop, scheduling, mount), or the readiness timeout passed. The message
 * names each object that was not ready, the container, the reason and the last state seen.
 */
public class NotReadyException extends PreviewEnvException {
  private static final long serialVersionUID = 1L;

  public NotReadyException(String message, String environment, String object) {
    super(message, environment, object, null);
  }
}
