package dev.previewenv.core.internal.job;

import dev.previewenv.core.internal.SecretValues;
import dev.previewenv.protocol.HandOff;
import dev.previewenv.protocol.HandOffDecoder;
import dev.previewenv.protocol.HandOffRecord;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a pod's log lines on to a consumer, decoding the hand-off records on the way ({@link
 * HandOffDecoder}, fed while the run lives, so that a run that dies still has every record it
 * wrote) and leaving their lines out (one line says a report arrived), and keeps the last lines for
 * the result. Not thread-safe: fed by one thread at a time.
 */
final class LogLines {
  private static final Logger log = LoggerFactory.getLogger(LogLines.class);
  private final Consumer<String> consumer;
  private final SecretValues secrets;
  private final int tailSize;
  private final Deque<String> tail = new ArrayDeque<>();
  private final HandOffDecoder decoder = new HandOffDecoder();
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

  /** The records decoded so far, across pods. */
  HandOffDecoder decoder() {
    return decoder;
  }

  void accept(String rawLine) {
    seen++;
    int before = decoder.completed();
    if (!decoder.accept(rawLine)) {
      pass(secrets.scrub(rawLine));
      return;
    }
    if (decoder.completed() > before) {
      HandOffRecord r = decoder.records().get(decoder.completed() - 1);
      if (r.kind() == HandOff.Kind.XML) {
        pass("[JUnit XML report " + r.name() + " handed over]");
      } else if (r.kind() == HandOff.Kind.NOTICE) {
        pass("[suite notice] " + secrets.scrub(r.text()));
      }
    }
  }

  private void pass(String out) {
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
    pod = podName;
    if (!first) {
      pass("[previewenv: log of replacement pod " + podName + "]");
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
