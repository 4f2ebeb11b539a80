package dev.previewenv.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The hand-off of JUnit XML reports from the in-cluster E2E suite to the {@link E2eJob} runner
 * through the container's log.
 *
 * <p>At the very end of its run, the suite's main prints every report file to standard output as a
 * block:
 *
 * <pre>
 * ##previewenv-junit-xml begin TEST-junit-jupiter.xml
 * H4sIAAAAAAAA/+1YbW/bNhD+7l9B6PtkSbab1EESdGiHLcDSBUu3Ft2GgpZoi4skahRlO/9...
 * ...
 * ##previewenv-junit-xml end
 * </pre>
 *
 * <p>The body is the file's bytes, gzip-compressed, Base64-encoded (standard alphabet, with
 * padding) and wrapped at {@value #LINE_LENGTH} characters. The file name is the report's file name
 * without directories. Lines outside blocks are ordinary log output. {@link #print(Path,
 * PrintStream)} writes the blocks; {@link #decode(String)} reads them back from a pod log.
 *
 * <p>Why the log: the runner needs the files after the pod has terminated, on any cluster.
 *
 * <ul>
 *   <li>Exec into the pod to copy them ({@code kubectl cp}) is impossible once the container has
 *       terminated, and keeping the container alive just to be copied from makes every run wait for
 *       a second signal.
 *   <li>A results volume outlives the pod only as a PersistentVolumeClaim, which needs a
 *       provisioner (absent on many CI and dev clusters, including the single-node 1.20 one this
 *       project tests on) and a second pod to read it.
 *   <li>A ConfigMap written by the suite needs write permissions in the namespace for the suite's
 *       ServiceAccount (the runner grants read-only) and is limited to 1 MiB.
 *   <li>The termination message holds at most 4 KiB: enough for the JSON summary the runner falls
 *       back to, not for reports.
 * </ul>
 *
 * The log is kept with the terminated pod, which the Job keeps until its {@code
 * ttlSecondsAfterFinished}; the runner reads it right after the Job finished. Compression keeps the
 * blocks small (a report of a few hundred tests is a few KiB); the kubelet's log rotation (10 MiB
 * per container by default) is the limit.
 */
public final class E2eResults {
  /** The first line of a block, followed by a space and the file name. */
  public static final String BEGIN = "##previewenv-junit-xml begin";

  /** The last line of a block. */
  public static final String END = "##previewenv-junit-xml end";

  /** The length of a Base64 line inside a block (the last one may be shorter). */
  public static final int LINE_LENGTH = 76;

  private E2eResults() {}

  /**
   * The reports decoded from {@code log}, with the problems met. A block that cannot be decoded
   * (truncated, corrupt, not gzip) is left out and named in {@link Decoded#problems()}.
   */
  public record Decoded(Map<String, String> files, List<String> problems) {
    public Decoded {
      files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
      problems = List.copyOf(problems);
    }
  }

  /**
   * Prints every {@code *.xml} file directly in {@code dir} (sorted by name) as a block to {@code
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
    for (Path file : files) {
      try {
        out.print(encode(file.getFileName().toString(), Files.readAllBytes(file)));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read JUnit XML report " + file, e);
      }
    }
    out.flush();
  }

  /**
   * One block for a file named {@code fileName} holding {@code content}, each line ended by {@code
   * \n}.
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
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String b64 = Base64.getEncoder().encodeToString(zipped.toByteArray());
    StringBuilder sb = new StringBuilder(b64.length() + b64.length() / LINE_LENGTH + 100);
    sb.append(BEGIN).append(' ').append(fileName).append('\n');
    for (int i = 0; i < b64.length(); i += LINE_LENGTH) {
      sb.append(b64, i, Math.min(b64.length(), i + LINE_LENGTH)).append('\n');
    }
    sb.append(END).append('\n');
    return sb.toString();
  }

  /**
   * Decodes the blocks in a pod log (UTF-8 reports). Carriage returns and blanks around lines are
   * ignored; a file name seen twice keeps the last complete block.
   */
  public static Decoded decode(String log) {
    Map<String, String> files = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    String name = null;
    StringBuilder body = null;
    int beginLine = 0;
    String[] lines = log == null ? new String[0] : log.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith(BEGIN)) {
        if (name != null) {
          problems.add(unterminated(name, beginLine));
        }
        name = line.substring(BEGIN.length()).strip();
        body = new StringBuilder();
        beginLine = i + 1;
        if (name.isEmpty()) {
          name = "report-" + beginLine + ".xml";
        }
      } else if (line.equals(END)) {
        if (name == null) {
          continue;
        }
        try {
          files.put(name, unzip(body.toString()));
        } catch (IOException | IllegalArgumentException e) {
          problems.add(
              "JUnit XML block "
                  + name
                  + " (log line "
                  + beginLine
                  + ") cannot be decoded: "
                  + e.getMessage());
        }
        name = null;
        body = null;
      } else if (name != null) {
        body.append(line);
      }
    }
    if (name != null) {
      problems.add(unterminated(name, beginLine));
    }
    return new Decoded(files, problems);
  }

  /**
   * {@code log} without the blocks, for people to read: each block is replaced by one line saying
   * which report it carried.
   */
  public static String withoutBlocks(String log) {
    if (log == null || !log.contains(BEGIN)) {
      return log == null ? "" : log;
    }
    StringBuilder out = new StringBuilder(Math.min(log.length(), 1 << 16));
    boolean inBlock = false;
    for (String line : log.split("\n", -1)) {
      String s = line.strip();
      if (s.startsWith(BEGIN)) {
        inBlock = true;
        out.append("[JUnit XML report ")
            .append(s.substring(BEGIN.length()).strip())
            .append(" handed over]\n");
      } else if (inBlock && s.equals(END)) {
        inBlock = false;
      } else if (!inBlock) {
        out.append(line).append('\n');
      }
    }
    if (!log.endsWith("\n") && out.length() > 0) {
      out.setLength(out.length() - 1);
    }
    return out.toString();
  }

  private static String unterminated(String name, int line) {
    return "JUnit XML block "
        + name
        + " (log line "
        + line
        + ") has no end line "
        + END
        + ": the log was cut (container killed, or log rotated by the kubelet)";
  }

  private static String unzip(String base64) throws IOException {
    byte[] zipped = Base64.getDecoder().decode(base64);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
