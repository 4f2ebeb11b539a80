package dev.previewenv.cli;

/** No cluster could be reached; the message says how to give one. Exit code 2. */
final class NoClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  NoClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
