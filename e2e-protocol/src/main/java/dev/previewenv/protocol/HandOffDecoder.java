package dev.previewenv.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads {@link HandOff} records back from a container log, one line at a time, while the log is
 * being written: lines can be fed as they are streamed, and the records completed so far are
 * available at any moment. Not thread-safe.
 *
 * <p>Tolerated: any other line anywhere (skipped), text before the marker (timestamps of {@code
 * kubectl logs --timestamps}, another thread's unterminated output), the CRI log format ({@code
 * <RFC 3339 time> stdout|stderr F|P <text>}, partial {@code P} lines joined per stream), CRLF line
 * ends and trailing blanks, lines or whole records repeated (used once). Detected and named by
 * {@link #problems()}: damaged lines (checksum), missing lines, records without header, corrupt
 * content, records over the memory limit.
 *
 * <p>Memory: the Base64 of unfinished records plus the content of finished ones, at most {@code
 * maxBytes}; past it, further records are dropped and named.
 */
public final class HandOffDecoder {
  /** The default bound of the bytes held: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  private static final Pattern CRI =
      Pattern.compile(
          "^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:\\d\\d))"
              + " (stdout|stderr) ([PF]) ?(.*)$",
          Pattern.DOTALL);
  private static final Pattern ID = Pattern.compile("[a-z0-9]{1,16}\\.[0-9]{1,9}");
  private static final Pattern HEX8 = Pattern.compile("[0-9a-f]{8}");

  private final long maxBytes;
  private long held;
  private long lineNo;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Set<String> done = new HashSet<>();
  private final List<HandOffRecord> records = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final Map<String, StringBuilder> partial = new HashMap<>();
  private int damagedUnattributed;
  private int repeatedLines;
  private boolean overLimit;

  /** A decoder holding at most {@link #DEFAULT_MAX_BYTES}. */
  public HandOffDecoder() {
    this(DEFAULT_MAX_BYTES);
  }

  public HandOffDecoder(long maxBytes) {
    if (maxBytes < 1024) {
      throw new IllegalArgumentException("maxBytes must be at least 1024, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /** Decodes a whole log at once. */
  public static HandOffDecoder decode(String log) {
    HandOffDecoder d = new HandOffDecoder();
    if (log != null) {
      int start = 0;
      while (start < log.length()) {
        int nl = log.indexOf('\n', start);
        int end = nl < 0 ? log.length() : nl;
        d.accept(log.substring(start, end));
        start = end + 1;
      }
    }
    return d;
  }

  private static final class Pending {
    final long firstLine;
    HandOff.Kind kind;
    String name;
    int count = -1;
    long bytes;
    long crc;
    final TreeMap<Integer, String> chunks = new TreeMap<>();
    long chars;
    int damaged;

    Pending(long firstLine) {
      this.firstLine = firstLine;
    }
  }

  /**
   * Feeds one log line (with or without its line end).
   *
   * @return whether the line belongs to the hand-off (or is a partial CRI line held back): such a
   *     line is not meant for people
   */
  public boolean accept(String rawLine) {
    lineNo++;
    String line = rawLine;
    Matcher cri = CRI.matcher(line);
    if (cri.matches()) {
      String stream = cri.group(2);
      if (cri.group(3).equals("P")) {
        partial.computeIfAbsent(stream, s -> new StringBuilder()).append(cri.group(4));
        return true;
      }
      StringBuilder before = partial.remove(stream);
      line = before == null ? cri.group(4) : before.append(cri.group(4)).toString();
    }
    int at = line.indexOf(HandOff.MARKER + " ");
    if (at < 0) {
      return false;
    }
    String rest = stripEnd(line.substring(at + HandOff.MARKER.length() + 1));
    String[] f = rest.split(" ", 4);
    if (f.length < 4 || !ID.matcher(f[0]).matches() || !HEX8.matcher(f[2]).matches()) {
      damaged(f.length > 0 && ID.matcher(f[0]).matches() ? f[0] : null);
      return true;
    }
    String id = f[0];
    int seq;
    try {
      seq = Integer.parseInt(f[1]);
    } catch (NumberFormatException e) {
      damaged(id);
      return true;
    }
    String payload = f[3];
    if (seq < 0 || !HandOff.checksum(id, seq, payload).equals(f[2])) {
      damaged(id);
      return true;
    }
    if (done.contains(id)) {
      repeatedLines++;
      return true;
    }
    Pending p = pending.get(id);
    if (p == null) {
      if (overLimit) {
        return true;
      }
      p = new Pending(lineNo);
      pending.put(id, p);
    }
    if (seq == 0) {
      header(id, p, payload);
    } else {
      String old = p.chunks.get(seq);
      if (old != null) {
        if (!old.equals(payload)) {
          problems.add(
              "hand-off record "
                  + label(id, p)
                  + ": line "
                  + seq
                  + " came twice with different content (log line "
                  + lineNo
                  + "); two runs with the same record id?");
        } else {
          repeatedLines++;
        }
        return true;
      }
      if (p.count >= 0 && seq > p.count) {
        damaged(id);
        return true;
      }
      p.chunks.put(seq, payload);
      p.chars += payload.length();
      held += payload.length();
      if (held > maxBytes) {
        limitReached(id, p);
        return true;
      }
    }
    if (p.count >= 0 && p.chunks.size() == p.count) {
      complete(id, p);
    }
    return true;
  }

  private void header(String id, Pending p, String payload) {
    String[] h = payload.split(" ", 5);
    HandOff.Kind kind = h.length == 5 ? HandOff.Kind.of(h[0]) : null;
    int count;
    long bytes;
    long crc;
    String name;
    try {
      count = Integer.parseInt(h[1]);
      bytes = Long.parseLong(h[2]);
      crc = Long.parseLong(h[3], 16);
      name = HandOff.Names.decode(h[4]);
    } catch (RuntimeException e) {
      kind = null;
      count = -1;
      bytes = -1;
      crc = 0;
      name = null;
    }
    if (kind == null || count < 0 || bytes < 0) {
      problems.add(
          "hand-off record "
              + id
              + ": header line (log line "
              + lineNo
              + ") is not <kind> <count> <bytes> <crc> <name>: "
              + shorten(payload)
              + "; written by a newer or different launcher?");
      return;
    }
    if (p.count >= 0) {
      if (p.count != count || p.bytes != bytes || p.crc != crc || !p.name.equals(name)) {
        problems.add(
            "hand-off record " + label(id, p) + ": a second, different header line " + lineNo);
      } else {
        repeatedLines++;
      }
      return;
    }
    p.kind = kind;
    p.name = name;
    p.count = count;
    p.bytes = bytes;
    p.crc = crc;
    if (!p.chunks.isEmpty() && p.chunks.lastKey() > count) {
      p.damaged += p.chunks.tailMap(count, false).size();
      p.chunks.tailMap(count, false).clear();
    }
    if (bytes > maxBytes) {
      limitReached(id, p);
    }
  }

  private void complete(String id, Pending p) {
    pending.remove(id);
    done.add(id);
    held -= p.chars;
    StringBuilder b64 = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, p.chars));
    p.chunks.values().forEach(b64::append);
    p.chunks.clear();
    byte[] content;
    try {
      byte[] zipped = Base64.getDecoder().decode(b64.toString());
      content = gunzip(zipped, p.bytes);
    } catch (IOException | IllegalArgumentException e) {
      problems.add(
          p.kind.token()
              + " "
              + p.name
              + " (hand-off record "
              + id
              + ", from log line "
              + p.firstLine
              + ") is corrupt: "
              + e.getMessage());
      return;
    }
    if (content.length != p.bytes || HandOff.crc(content) != p.crc) {
      problems.add(
          p.kind.token()
              + " "
              + p.name
              + " (hand-off record "
              + id
              + ", from log line "
              + p.firstLine
              + ") is corrupt: "
              + content.length
              + " bytes with checksum "
              + HandOff.hex(HandOff.crc(content))
              + ", the header announced "
              + p.bytes
              + " bytes with checksum "
              + HandOff.hex(p.crc));
      return;
    }
    held += content.length;
    if (held > maxBytes) {
      held -= content.length;
      limitReached(id, p);
      return;
    }
    records.add(new HandOffRecord(id, p.kind, p.name, content));
  }

  private void limitReached(String id, Pending p) {
    pending.remove(id);
    done.add(id);
    held -= p.chars;
    p.chunks.clear();
    if (!overLimit) {
      problems.add(
          "the hand-off exceeded the host's limit of "
              + (maxBytes >> 20)
              + " MiB at "
              + label(id, p)
              + " (log line "
              + lineNo
              + "); it and the records after it were dropped: hand over fewer or smaller files");
    }
    overLimit = true;
  }

  private void damaged(String id) {
    Pending p = id == null ? null : pending.get(id);
    if (p == null && id != null && !done.contains(id)) {
      p = new Pending(lineNo);
      pending.put(id, p);
    }
    if (p != null) {
      p.damaged++;
    } else if (id == null) {
      damagedUnattributed++;
    }
  }

  /** The records completed so far, in the order they were completed. */
  public List<HandOffRecord> records() {
    return List.copyOf(records);
  }

  /** How many records have been completed so far. */
  public int completed() {
    return records.size();
  }

  /**
   * Everything that went wrong so far, each naming the record (kind, name, id) and what is missing;
   * records still unfinished are included (call it once the log has ended).
   */
  public List<String> problems() {
    List<String> out = new ArrayList<>(problems);
    for (Map.Entry<String, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      String damaged =
          p.damaged == 0 ? "" : "; " + p.damaged + " of its lines were damaged (checksum)";
      if (p.count < 0) {
        out.add(
            "hand-off record "
                + e.getKey()
                + " (from log line "
                + p.firstLine
                + ") has no header line, "
                + p.chunks.size()
                + " data line(s) seen"
                + damaged
                + ": the log was cut at its start (log rotated by the kubelet) or lines were lost");
      } else {
        out.add(
            label(e.getKey(), p)
                + " (from log line "
                + p.firstLine
                + ") is incomplete: "
                + missing(p)
                + " of "
                + p.count
                + " data lines missing"
                + damaged
                + ": the log was cut (container killed, log rotated by the kubelet) or lines were"
                + " lost");
      }
    }
    if (damagedUnattributed > 0) {
      out.add(damagedUnattributed + " hand-off line(s) were damaged beyond recognition");
    }
    return out;
  }

  /** Lines seen more than once and used once (a log read twice, a repeated record). */
  public int repeatedLines() {
    return repeatedLines;
  }

  private static String label(String id, Pending p) {
    return p.count < 0 ? "record " + id : p.kind.token() + " " + p.name + " (record " + id + ")";
  }

  private static String missing(Pending p) {
    StringBuilder sb = new StringBuilder("lines ");
    int shown = 0;
    int total = 0;
    int i = 1;
    while (i <= p.count) {
      if (p.chunks.containsKey(i)) {
        i++;
        continue;
      }
      int from = i;
      while (i <= p.count && !p.chunks.containsKey(i)) {
        i++;
      }
      int to = i - 1;
      total += to - from + 1;
      if (shown < 5) {
        sb.append(shown == 0 ? "" : ", ").append(from == to ? from : from + "-" + to);
      }
      shown++;
    }
    if (shown > 5) {
      sb.append(", ...");
    }
    return total + " (" + sb + ")";
  }

  private static String stripEnd(String s) {
    int end = s.length();
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private static byte[] gunzip(byte[] zipped, long expected) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped))) {
      ByteArrayOutputStream out =
          new ByteArrayOutputStream((int) Math.min(Math.max(expected, 32), 1 << 20));
      byte[] buf = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > expected) {
          throw new IOException("more than the announced " + expected + " bytes");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
