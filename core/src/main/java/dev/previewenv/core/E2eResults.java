package dev.previewenv.core;

import dev.previewenv.protocol.HandOff;
import dev.previewenv.protocol.HandOffDecoder;
import dev.previewenv.protocol.HandOffRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The hand-off of JUnit XML reports from the in-cluster E2E suite to the {@link E2eJob} runner
 * through the container's log, for images whose main is not PreviewEnv's launcher ({@code
 * previewenv-e2e-launcher}, which hands back each class's report as it finishes, the plan, the
 * artifacts and an end record on its own).
 *
 * <p>Each report is a record of self-identifying lines ({@code ##previewenv:1 <id> <seq> <crc>
 * <payload>}: gzip + Base64, a checksum per line); the format is defined once, in {@code
 * dev.previewenv.protocol.HandOff} of {@code previewenv-e2e-protocol}, which says why the log is
 * the channel and what the format tolerates: other writers' lines anywhere, runtime prefixes
 * (timestamps, the CRI log format), CRLF, repeated lines; missing or damaged lines are named, never
 * silently dropped.
 */
public final class E2eResults {
  /** The first field of every hand-off line. */
  public static final String MARKER = HandOff.MARKER;

  private E2eResults() {}

  /**
   * The reports decoded from a log, with the problems met. A report that cannot be recovered (lines
   * missing or damaged, corrupt) is left out and named in {@link Decoded#problems()}.
   */
  public record Decoded(Map<String, String> files, List<String> problems) {
    public Decoded {
      files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
      problems = List.copyOf(problems);
    }
  }

  /**
   * Prints every {@code *.xml} file directly in {@code dir} (sorted by name) as a record to {@code
   * out}; prints nothing when there is none.
   *
   * @throws UncheckedIOException when the directory or a file cannot be read
   */
  public static void print(Path dir, PrintStream out) {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".xml") && Files.isRegularFile(p))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list JUnit XML reports in " + dir, e);
    }
    HandOff.Writer writer = new HandOff.Writer(HandOff.newRunId(), out::println);
    for (Path file : files) {
      try {
        writer.write(HandOff.Kind.XML, file.getFileName().toString(), Files.readAllBytes(file));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read JUnit XML report " + file, e);
      }
    }
    out.flush();
  }

  /**
   * One record for a report named {@code fileName} holding {@code content}, each line ended by
   * {@code \n}.
   */
  public static String encode(String fileName, byte[] content) {
    Objects.requireNonNull(content, "content");
    if (fileName == null
        || fileName.isBlank()
        || fileName.contains("/")
        || fileName.contains("\\")
        || fileName.chars().anyMatch(c -> c < 0x20)
        || !fileName.strip().equals(fileName)) {
      throw new IllegalArgumentException(
          "A report file name must be a plain file name without directories, control characters"
              + " or surrounding blanks, was: "
              + fileName);
    }
    return HandOff.encode(HandOff.newRunId() + ".1", HandOff.Kind.XML, fileName, content);
  }

  /** Decodes the reports in a pod log (UTF-8); a name seen twice keeps the last report. */
  public static Decoded decode(String log) {
    HandOffDecoder d = HandOffDecoder.decode(log);
    Map<String, String> files = new LinkedHashMap<>();
    for (HandOffRecord r : d.records()) {
      if (r.kind() == HandOff.Kind.XML) {
        files.put(r.name(), r.text());
      }
    }
    return new Decoded(files, d.problems());
  }

  /**
   * {@code log} without the hand-off lines, for people to read: each report is replaced by one line
   * saying it was handed over.
   */
  public static String withoutBlocks(String log) {
    if (log == null) {
      return "";
    }
    HandOffDecoder d = new HandOffDecoder();
    List<String> out = new ArrayList<>();
    String[] lines = log.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int before = d.completed();
      if (!d.accept(lines[i])) {
        out.add(lines[i]);
      } else if (d.completed() > before) {
        HandOffRecord r = d.records().get(d.completed() - 1);
        if (r.kind() == HandOff.Kind.XML) {
          out.add("[JUnit XML report " + r.name() + " handed over]");
        }
      }
    }
    return String.join("\n", out);
  }
}
