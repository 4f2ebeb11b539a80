package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.PreviewEnvException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program without a shell, with a bounded wait. Standard output and standard error
 * are drained by two threads at the same time, so a program that writes a lot to either never
 * blocks on a full pipe. Standard error is kept up to {@link #MAX_STDERR} bytes.
 */
final class ProcessRunner {

  static final int MAX_STDERR = 64 * 1024;

  /** How long to wait for the output threads after the process ended or was killed. */
  private static final long DRAIN_MILLIS = 5_000;

  record Result(int exitCode, byte[] stdout, String stderr) {}

  /** How many lines of a tool's standard error a failure message quotes at most. */
  static final int MAX_STDERR_LINES = 40;

  /**
   * The non-blank lines of {@code stderr}, stripped, at most {@link #MAX_STDERR_LINES} (then a line
   * saying more were left out); one line saying {@code tool} wrote nothing when it is empty.
   */
  static List<String> stderrLines(String stderr, String tool) {
    List<String> lines = new java.util.ArrayList<>();
    for (String line : stderr.split("\\R")) {
      if (!line.isBlank()) {
        if (lines.size() == MAX_STDERR_LINES) {
          lines.add("[... more lines of standard error left out]");
          break;
        }
        lines.add(line.strip());
      }
    }
    if (lines.isEmpty()) {
      lines.add("(" + tool + " wrote nothing to standard error)");
    }
    return lines;
  }

  /** Thrown when the program did not end within the timeout; it has been killed. */
  static final class TimedOut extends Exception {
    private static final long serialVersionUID = 1L;
    final transient String stderr;

    TimedOut(String stderr) {
      super("timed out");
      this.stderr = stderr;
    }
  }

  private ProcessRunner() {}

  static Result run(List<String> command, Duration timeout, String what)
      throws IOException, TimedOut {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = builder.start();
    process.getOutputStream().close();
    Drain out = new Drain(process.getInputStream(), Integer.MAX_VALUE);
    Drain err = new Drain(process.getErrorStream(), MAX_STDERR);
    Thread outThread = start(out, what + " stdout");
    Thread errThread = start(err, what + " stderr");
    try {
      boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        kill(process);
        outThread.join(DRAIN_MILLIS);
        errThread.join(DRAIN_MILLIS);
        throw new TimedOut(err.text());
      }
      outThread.join(DRAIN_MILLIS);
      errThread.join(DRAIN_MILLIS);
      if (outThread.isAlive()) {
        // A child of the program still holds the pipe open; the output may be incomplete.
        throw new IOException(
            what + " ended but its output was still open after " + DRAIN_MILLIS + " ms");
      }
      if (out.failure != null) {
        throw out.failure;
      }
      return new Result(process.exitValue(), out.bytes(), err.text());
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new PreviewEnvException(what + " was interrupted; the process was killed", e);
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static Thread start(Drain drain, String name) {
    Thread t = new Thread(drain, "previewenv " + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Reads a stream to its end, keeping at most {@code limit} bytes. */
  private static final class Drain implements Runnable {
    private final InputStream in;
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile IOException failure;
    private boolean truncated;

    Drain(InputStream in, int limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[16 * 1024];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (this) {
            int room = limit - kept.size();
            if (room > 0) {
              kept.write(buffer, 0, Math.min(room, n));
            }
            truncated |= n > room;
          }
        }
      } catch (IOException e) {
        failure = e;
      }
    }

    synchronized byte[] bytes() {
      return kept.toByteArray();
    }

    synchronized String text() {
      String s = kept.toString(StandardCharsets.UTF_8);
      return truncated ? s + "\n[... standard error truncated after " + limit + " bytes]" : s;
    }
  }
}
