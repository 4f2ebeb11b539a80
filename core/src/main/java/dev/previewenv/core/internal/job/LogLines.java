package dev.previewenv.core.internal.job;

import dev.previewenv.core.E2eResults;
import dev.previewenv.core.internal.SecretValues;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a pod's log lines on to a consumer, leaving out the {@link E2eResults} report blocks (one
 * line says a report was handed over), and keeps the last lines for the result. Not thread-safe:
 * fed by one thread at a time.
 */
final class LogLines {
  private static final Logger log = LoggerFactory.getLogger(LogLines.class);
  private final Consumer<String> consumer;
  private final SecretValues secrets;
  private final int tailSize;
  private final Deque<String> tail = new ArrayDeque<>();
  private boolean inBlock;
  private long seen;
  private String pod;

  LogLines(Consumer<String> consumer, int tailSize) {
    this(consumer, tailSize, SecretValues.none());
  }

  /** Lines passed on and kept are scrubbed of {@code secrets}. */
  LogLines(Consumer<String> consumer, int tailSize, SecretValues secrets) {
    this.secrets = secrets;
    this.consumer = consumer;
    this.tailSize = tailSize;
  }

  /** How many raw lines were fed. */
  long seen() {
    return seen;
  }

  void accept(String rawLine) {
    seen++;
    String s = rawLine.strip();
    String out;
    if (s.startsWith(E2eResults.BEGIN)) {
      inBlock = true;
      out = "[JUnit XML report " + s.substring(E2eResults.BEGIN.length()).strip() + " handed over]";
    } else if (inBlock) {
      if (s.equals(E2eResults.END)) {
        inBlock = false;
      }
      return;
    } else {
      out = secrets.scrub(rawLine);
    }
    tail.addLast(out);
    if (tail.size() > tailSize) {
      tail.removeFirst();
    }
    try {
      consumer.accept(out);
    } catch (RuntimeException e) {
      // A failing consumer must not end the run; the lines stay in the tail.
      log.debug("log line consumer failed: {}", e.toString());
    }
  }

  /**
   * Starts the log of another pod (a replacement after an eviction): resets {@link #seen()} and,
   * unless it is the first pod, passes a line naming the pod.
   */
  void beginPod(String podName, boolean first) {
    inBlock = false;
    pod = podName;
    if (!first) {
      accept("[previewenv: log of replacement pod " + podName + "]");
    }
    seen = 0;
  }

  /** The pod whose log is being passed on, or {@code null} before the first. */
  String pod() {
    return pod;
  }

  String tail() {
    return String.join("\n", tail);
  }
}
