package dev.previewenv.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

/**
 * The hand-off of the in-cluster suite's results to the host through the container's log: the
 * writing side. {@link HandOffDecoder} is the reading side.
 *
 * <p>Every piece of a result (a JUnit XML report, an artifact, the test plan, the end of the run)
 * is a <em>record</em>: its bytes, gzip-compressed, Base64-encoded and cut into lines. Every line
 * names itself, so that a log merged from several writers (stdout and stderr, other threads of the
 * suite) and decorated by the runtime still yields the record:
 *
 * <pre>
 * ##previewenv:1 k3f9x2ab.4 0 1c291ca3 xml 3 1240 5e0d1f22 TEST-shop.OrderE2E.xml
 * ##previewenv:1 k3f9x2ab.4 1 93b1d2f0 H4sIAAAAAAAA/+1YbW/bNhD+7l9B6PtkSbab1EESdGiHLcDSBUu3Ft2G...
 * ##previewenv:1 k3f9x2ab.4 2 0a6e11c4 ...
 * </pre>
 *
 * Fields, separated by one space: the marker {@value #MARKER}; the record id ({@code <run>.<n>}: 8
 * random characters per run of the suite, and the record's number in that run); the line's sequence
 * number ({@code 0} is the header, {@code 1..count} the data); the CRC-32 (8 hex digits) of {@code
 * "<id> <seq> <payload>"}; the payload. The header's payload is {@code <kind> <count> <bytes>
 * <crc32 of the bytes> <name>} (the name percent-encoded, UTF-8); a data line's is at most {@value
 * #CHUNK} Base64 characters.
 *
 * <p>What this buys on the reading side: text before the marker (runtime timestamps, {@code stdout
 * F} of the CRI log format, another thread's unterminated output) is ignored; lines without the
 * marker are skipped wherever they are; a damaged line fails its checksum; a missing line is a gap
 * in the sequence; a repeated line or record is recognised and used once; a record that cannot be
 * completed is named with the lines it lacks. The run's last record ({@link Kind#END}) counts the
 * records the run wrote, so a cut log is never mistaken for a complete one.
 *
 * <p>Why the log: it is the one channel that outlives the container on every cluster (a terminated
 * container cannot be exec'd into, a results volume outlives the pod only as a
 * PersistentVolumeClaim that needs a provisioner, a ConfigMap needs write rights and holds 1 MiB,
 * the termination message holds 4 KiB) and the host can read it while the run lives, which is what
 * lets a run that dies still bring back every record it wrote before.
 */
public final class HandOff {
  /** The first field of every hand-off line, including the format's version. */
  public static final String MARKER = "##previewenv:1";

  /** The most Base64 characters of one data line. */
  public static final int CHUNK = 76;

  /** What a record carries. */
  public enum Kind {
    /** A JUnit XML report (one per test class as it finishes). */
    XML,
    /** A file the suite wrote into its artifacts folder; the name is its relative path. */
    FILE,
    /** The tests the run is going to execute: one test id ({@code class#name}) per line. */
    PLAN,
    /** Something the suite side wants the host to know (e.g. an artifact over the limit). */
    NOTICE,
    /** The end of the run: {@code key=value} lines ({@code status}, {@code records}, ...). */
    END;

    String token() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Kind of(String token) {
      for (Kind k : values()) {
        if (k.token().equals(token)) {
          return k;
        }
      }
      return null;
    }
  }

  private HandOff() {}

  /** A new random run id: 8 characters of {@code [a-z0-9]}. */
  public static String newRunId() {
    String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      sb.append(chars.charAt(random.nextInt(chars.length())));
    }
    return sb.toString();
  }

  /**
   * The lines (without line ends) of one record.
   *
   * @param id the record id, {@code <run>.<n>} (letters, digits, one dot)
   * @param name the report's file name, the artifact's relative path, or any label
   */
  public static List<String> lines(String id, Kind kind, String name, byte[] content) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(content, "content");
    if (id == null || !id.matches("[a-z0-9]{1,16}\\.[0-9]{1,9}")) {
      throw new IllegalArgumentException(
          "A hand-off record id is <run>.<n> (run: 1-16 of [a-z0-9], n: a number), was: " + id);
    }
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("A hand-off record needs a name (record " + id + ")");
    }
    String b64 = Base64.getEncoder().encodeToString(gzip(content));
    int count = (b64.length() + CHUNK - 1) / CHUNK;
    List<String> out = new ArrayList<>(count + 1);
    out.add(
        line(
            id,
            0,
            kind.token()
                + " "
                + count
                + " "
                + content.length
                + " "
                + hex(crc(content))
                + " "
                + Names.encode(name)));
    for (int i = 0; i < count; i++) {
      out.add(line(id, i + 1, b64.substring(i * CHUNK, Math.min(b64.length(), (i + 1) * CHUNK))));
    }
    return out;
  }

  /** The record as text, each line ended by {@code \n}. */
  public static String encode(String id, Kind kind, String name, byte[] content) {
    StringBuilder sb = new StringBuilder();
    for (String l : lines(id, kind, name, content)) {
      sb.append(l).append('\n');
    }
    return sb.toString();
  }

  /**
   * Writes the records of one run of the suite, numbering them; thread-safe (a record's lines are
   * written together, in order, even when a shutdown hook writes concurrently with the suite).
   */
  public static final class Writer {
    private final String runId;
    private final Consumer<String> out;
    private int next = 1;

    /** Writes every line (without its line end) to {@code out}. */
    public Writer(String runId, Consumer<String> out) {
      this.runId = Objects.requireNonNull(runId, "runId");
      this.out = Objects.requireNonNull(out, "out");
    }

    /** Writes one record; returns its id. */
    public synchronized String write(Kind kind, String name, byte[] content) {
      String id = runId + "." + next++;
      for (String l : lines(id, kind, name, content)) {
        out.accept(l);
      }
      return id;
    }

    /** Writes a text record (UTF-8). */
    public String write(Kind kind, String name, String text) {
      return write(kind, name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** How many records were written. */
    public synchronized int written() {
      return next - 1;
    }

    public String runId() {
      return runId;
    }
  }

  static String line(String id, int seq, String payload) {
    return MARKER + " " + id + " " + seq + " " + checksum(id, seq, payload) + " " + payload;
  }

  /** The checksum field of a line: CRC-32 of {@code "<id> <seq> <payload>"}, 8 hex digits. */
  static String checksum(String id, int seq, String payload) {
    CRC32 crc = new CRC32();
    crc.update((id + " " + seq + " " + payload).getBytes(StandardCharsets.UTF_8));
    return hex(crc.getValue());
  }

  static long crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  static String hex(long crc) {
    String h = Long.toHexString(crc);
    return "0".repeat(8 - h.length()) + h;
  }

  private static byte[] gzip(byte[] content) {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream(Math.max(64, content.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped, 8192)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return zipped.toByteArray();
  }

  /** Percent-encoding of names: unreserved characters and {@code /} stay, the rest is %XX. */
  static final class Names {
    private Names() {}

    static String encode(String name) {
      StringBuilder sb = new StringBuilder(name.length() + 8);
      for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
        int c = b & 0xff;
        if ((c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '.'
            || c == '-'
            || c == '_'
            || c == '/'
            || c == '$') {
          sb.append((char) c);
        } else {
          sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
          sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
        }
      }
      return sb.toString();
    }

    static String decode(String encoded) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
      for (int i = 0; i < encoded.length(); i++) {
        char c = encoded.charAt(i);
        if (c == '%' && i + 2 < encoded.length()) {
          int hi = Character.digit(encoded.charAt(i + 1), 16);
          int lo = Character.digit(encoded.charAt(i + 2), 16);
          if (hi < 0 || lo < 0) {
            throw new IllegalArgumentException("bad percent-encoding in " + encoded);
          }
          out.write(hi << 4 | lo);
          i += 2;
        } else if (c == '%') {
          throw new IllegalArgumentException("bad percent-encoding in " + encoded);
        } else {
          out.write(c);
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
