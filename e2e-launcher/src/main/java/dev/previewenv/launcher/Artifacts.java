package dev.previewenv.launcher;

import dev.previewenv.protocol.HandOff;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Hands the files of the artifacts folder back as {@link HandOff.Kind#FILE} records, after each
 * class and at the end: a file once, again only when it changed. At most {@code limit} bytes in
 * all; a file that does not fit any more is named in a {@link HandOff.Kind#NOTICE} (and on the
 * log), once. Symbolic links are not followed. Thread-safe.
 */
final class Artifacts {
  private final Path dir;
  private final long limit;
  private final HandOff.Writer writer;
  private final PrintStream out;
  private final Map<String, String> shipped = new HashMap<>();
  private final Set<String> refused = new HashSet<>();
  private long used;

  Artifacts(Path dir, long limit, HandOff.Writer writer, PrintStream out) {
    this.dir = dir;
    this.limit = limit;
    this.writer = writer;
    this.out = out;
  }

  synchronized void ship() {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    } catch (IOException | RuntimeException e) {
      out.println("E2E: WARNING cannot list the artifacts in " + dir + ": " + e);
      return;
    }
    for (Path file : files) {
      String name = dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
      try {
        long size = Files.size(file);
        String stamp = size + "@" + Files.getLastModifiedTime(file).toMillis();
        if (stamp.equals(shipped.get(name)) || refused.contains(name)) {
          continue;
        }
        if (used + size > limit) {
          refused.add(name);
          String notice =
              "artifact "
                  + name
                  + " ("
                  + size
                  + " bytes) was not handed back: the artifacts' limit of "
                  + limit
                  + " bytes (PREVIEWENV_E2E_ARTIFACT_LIMIT) is reached, "
                  + used
                  + " bytes handed back so far; write smaller files or raise the limit (the"
                  + " kubelet keeps about 10 MiB of log per container)";
          out.println("E2E: WARNING " + notice);
          writer.write(HandOff.Kind.NOTICE, "artifact-limit", notice);
          continue;
        }
        byte[] content = Files.readAllBytes(file);
        writer.write(HandOff.Kind.FILE, name, content);
        used += content.length;
        shipped.put(name, stamp);
      } catch (IOException | RuntimeException e) {
        out.println("E2E: WARNING cannot hand back artifact " + name + ": " + e);
      }
    }
    out.flush();
  }
}
