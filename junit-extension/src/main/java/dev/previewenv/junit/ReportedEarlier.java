package dev.previewenv.junit;

import dev.previewenv.core.PreviewEnvException;

/**
 * A failure already reported, in full, to the first class of the run that met it; every later class
 * gets this one-line pointer instead of the same long message and stack trace again.
 */
final class ReportedEarlier extends PreviewEnvException {
  private static final long serialVersionUID = 1L;

  ReportedEarlier(String what, String firstClass, RuntimeException first) {
    super(what + " (reported once, in full, for " + firstClass + "): " + firstLine(first));
  }

  private static String firstLine(RuntimeException e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    String line = nl < 0 ? m : m.substring(0, nl).strip();
    return line.length() > 120 ? line.substring(0, 117) + "..." : line;
  }

  /** No stack trace: it would only repeat the first report's. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
