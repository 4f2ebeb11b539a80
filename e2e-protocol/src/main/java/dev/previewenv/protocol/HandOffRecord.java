package dev.previewenv.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One complete record of the {@link HandOff}: its checksum and length were verified.
 *
 * @param id {@code <run>.<n>}
 * @param kind what it carries
 * @param name the report's file name, the artifact's relative path, or a label
 * @param content the bytes as the suite wrote them (not a copy: do not change)
 */
public record HandOffRecord(String id, HandOff.Kind kind, String name, byte[] content) {
  public HandOffRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
  }

  /** The run that wrote it: the id before the dot. */
  public String runId() {
    return id.substring(0, id.indexOf('.'));
  }

  /** The content as UTF-8 text. */
  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return kind + " " + name + " (" + id + ", " + content.length + " bytes)";
  }
}
