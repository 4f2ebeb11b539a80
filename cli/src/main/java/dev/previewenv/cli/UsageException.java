package dev.previewenv.cli;

/** Wrong usage found after parsing (e.g. a missing folder); exit code 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
