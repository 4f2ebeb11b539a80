package dev.previewenv.core.internal.manifest;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.CharacterCodingException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import tools.jackson.core.JacksonException;

/**
 * Turns YAML (or JSON, a subset of YAML 1.2) text into fabric8 objects.
 *
 * <p>Documents are composed one by one with snakeyaml-engine so that each has an index and a line;
 * scalars are resolved with the YAML 1.2 core schema ({@code on}/{@code yes} stay strings, quoted
 * values stay strings). Each document that is a mapping is checked for {@code apiVersion}, {@code
 * kind} and {@code metadata.name}, and converted with {@link KubernetesSerialization}: registered
 * kinds become their typed classes, others {@link GenericKubernetesResource}. {@code List} kinds
 * with {@code items} are flattened. Problems are added to a {@link Problems} collector, each naming
 * the origin, the 1-based document index and the line when known; parsing continues after a problem
 * wherever the YAML stream can still be read. Work is linear in the size of the input.
 */
public final class ManifestParser {

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Per-document limit well above any real manifest stream; snakeyaml's default is only 3 MB. */
  private static final int CODE_POINT_LIMIT = 256 * 1024 * 1024;

  private ManifestParser() {}

  /** Parses bytes (UTF-8, or UTF-16/32 with a byte order mark) read from {@code origin}. */
  static void parse(byte[] content, String origin, List<HasMetadata> out, Problems problems) {
    if (!hasByteOrderMark(content)) {
      String encodingProblem = checkUtf8(content, origin);
      if (encodingProblem != null) {
        problems.add(encodingProblem);
        return;
      }
    }
    LoadSettings settings = settings(origin);
    parseDocuments(
        new Compose(settings).composeAllFromInputStream(new ByteArrayInputStream(content)),
        settings,
        origin,
        out,
        problems);
  }

  /** Parses text whose origin (file name, or the name given by the caller) is {@code origin}. */
  static void parse(String content, String origin, List<HasMetadata> out, Problems problems) {
    LoadSettings settings = settings(origin);
    parseDocuments(
        new Compose(settings).composeAllFromString(content), settings, origin, out, problems);
  }

  /** Deeper documents are refused: no manifest nests this deep, and parsers recurse per level. */
  static final int MAX_DEPTH = 200;

  private static boolean hasByteOrderMark(byte[] b) {
    return (b.length >= 3
            && (b[0] & 0xff) == 0xef
            && (b[1] & 0xff) == 0xbb
            && (b[2] & 0xff) == 0xbf)
        || (b.length >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff)
        || (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe)
        || (b.length >= 4
            && b[0] == 0
            && b[1] == 0
            && (b[2] & 0xff) == 0xfe
            && (b[3] & 0xff) == 0xff);
  }

  /**
   * Where {@code content} is not UTF-8, named by the document it is in (counting {@code ---} lines
   * before it) and its line; {@code null} when it is valid.
   */
  static String checkUtf8(byte[] content, String origin) {
    java.nio.charset.CharsetDecoder decoder =
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(content);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
    while (true) {
      java.nio.charset.CoderResult r = decoder.decode(in, out, true);
      if (r.isError()) {
        int at = in.position();
        int line = 1;
        int document = 1;
        boolean contentSeen = false;
        int lineStart = 0;
        for (int i = 0; i <= at && i < content.length; i++) {
          if (i == lineStart) {
            boolean separator =
                i + 2 < content.length
                    && content[i] == '-'
                    && content[i + 1] == '-'
                    && content[i + 2] == '-'
                    && (i + 3 == content.length
                        || content[i + 3] == '\n'
                        || content[i + 3] == '\r'
                        || content[i + 3] == ' ');
            if (separator && i < at) {
              if (contentSeen) {
                document++;
              }
              contentSeen = false;
            } else if (i < at && content[i] != '\n' && content[i] != '#') {
              contentSeen = true;
            }
          }
          if (content[i] == '\n' && i < at) {
            line++;
            lineStart = i + 1;
          }
        }
        return new Location(origin, document, -1, line)
            + ": is not valid UTF-8 text (byte "
            + (at + 1)
            + "; UTF-16 and UTF-32 need a byte order mark); save it as UTF-8. Nothing of "
            + origin
            + " was read";
      }
      if (r.isUnderflow()) {
        return null;
      }
      out.clear();
    }
  }

  private static LoadSettings settings(String origin) {
    return LoadSettings.builder()
        .setLabel(origin)
        .setSchema(new CoreSchema())
        .setAllowDuplicateKeys(false)
        .setCodePointLimit(CODE_POINT_LIMIT)
        .build();
  }

  private static void parseDocuments(
      Iterable<Node> documents,
      LoadSettings settings,
      String origin,
      List<HasMetadata> out,
      Problems problems) {
    // One constructor per stream: it clears its per-document state after each document.
    StandardConstructor constructor = new StandardConstructor(settings);
    Iterator<Node> it = documents.iterator();
    int index = 0;
    while (true) {
      Node node;
      try {
        if (!it.hasNext()) {
          return;
        }
        node = it.next();
      } catch (StackOverflowError e) {
        problems.add(
            new Location(origin, index + 1, -1, -1)
                + ": is nested too deeply to be a Kubernetes object (more than "
                + MAX_DEPTH
                + " levels); the rest of "
                + origin
                + " could not be read. Check for a runaway indentation or generated input");
        return;
      } catch (YamlEngineException e) {
        Location at = new Location(origin, index + 1, -1, lineOf(e));
        if (hasCause(e, CharacterCodingException.class)) {
          problems.add(
              at
                  + ": is not valid UTF-8 text (UTF-16 and UTF-32 need a byte order mark); save it"
                  + " as UTF-8; the rest of "
                  + origin
                  + " could not be read");
          return;
        }
        problems.add(
            at
                + ": malformed YAML: "
                + describe(e)
                + "; the rest of "
                + origin
                + " could not be read. Fix the syntax (a YAML linter shows the exact spot)");
        return;
      }
      index++;
      if (isEmptyDocument(node)) {
        continue;
      }
      Location at = new Location(origin, index, -1, line(node));
      if (depthExceeds(node, MAX_DEPTH)) {
        problems.add(
            at
                + ": is nested more than "
                + MAX_DEPTH
                + " levels deep, deeper than any Kubernetes object; check for a runaway"
                + " indentation or generated input");
        continue;
      }
      if (!(node instanceof MappingNode mapping)) {
        problems.add(at + ": " + notAMapping(node));
        continue;
      }
      Object value;
      try {
        value = constructor.constructSingleDocument(Optional.of(node));
      } catch (YamlEngineException e) {
        Location where = e instanceof MarkedYamlEngineException ? at.withLine(lineOf(e)) : at;
        problems.add(where + ": invalid YAML: " + describe(e));
        continue;
      }
      if (!(value instanceof Map<?, ?> map)) {
        problems.add(at + ": " + notAMapping(node));
        continue;
      }
      addObject(map, mapping, at, out, problems);
    }
  }

  /** Whether {@code root} nests deeper than {@code max} (iterative: no recursion per level). */
  static boolean depthExceeds(Node root, int max) {
    java.util.ArrayDeque<Object[]> stack = new java.util.ArrayDeque<>();
    stack.push(new Object[] {root, 1});
    java.util.Set<Node> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      Node n = (Node) top[0];
      int depth = (Integer) top[1];
      if (depth > max) {
        return true;
      }
      if (!seen.add(n)) {
        continue; // an alias seen before
      }
      if (n instanceof MappingNode m) {
        for (NodeTuple t : m.getValue()) {
          stack.push(new Object[] {t.getKeyNode(), depth + 1});
          stack.push(new Object[] {t.getValueNode(), depth + 1});
        }
      } else if (n instanceof SequenceNode seq) {
        for (Node c : seq.getValue()) {
          stack.push(new Object[] {c, depth + 1});
        }
      }
    }
    return false;
  }

  private static boolean isEmptyDocument(Node node) {
    // An empty document, or one that is only a null ('~', 'null'): kubectl skips both.
    return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
  }

  private static String notAMapping(Node node) {
    String seen =
        node instanceof SequenceNode
            ? "a sequence (a YAML list)"
            : "a plain value (" + node.getTag().getValue().replace("tag:yaml.org,2002:", "") + ")";
    String hint =
        node instanceof SequenceNode
            ? "; to give several objects in one document use 'kind: List' with 'items:',"
                + " or separate documents with '---'"
            : "; check the indentation and that the document is not a fragment of another";
    return "expected a mapping (a Kubernetes object with apiVersion, kind and metadata) but found "
        + seen
        + hint;
  }

  private static void addObject(
      Map<?, ?> map, MappingNode node, Location at, List<HasMetadata> out, Problems problems) {
    Object kind = map.get("kind");
    Object items = map.get("items");
    if (kind instanceof String k
        && k.endsWith("List")
        && (items instanceof List<?> || ("List".equals(k) && items == null))) {
      flatten(items == null ? List.of() : (List<?>) items, node, at, out, problems);
      return;
    }
    if (kind instanceof String k && k.endsWith("List") && items != null) {
      problems.add(
          at.withLine(line(child(node, "items")))
              + ": 'items' of a "
              + k
              + " must be a sequence of objects ('- apiVersion: ...' entries) but is "
              + (items instanceof Map<?, ?> ? "a mapping" : "a plain value")
              + "; indent each object under 'items:' with '- '");
      return;
    }
    int before = problems.size();
    String apiVersion = requireString(map, "apiVersion", node, at, problems);
    String kindValue = requireString(map, "kind", node, at, problems);
    checkName(map, node, at, problems);
    if (problems.size() > before) {
      return;
    }
    Class<? extends HasMetadata> type = typeFor(apiVersion, kindValue);
    try {
      out.add(SERIALIZATION.convertValue(map, type));
    } catch (RuntimeException e) {
      JacksonException jackson = jacksonCause(e);
      List<JacksonException.Reference> path = jackson == null ? List.of() : jackson.getPath();
      String field = fieldPath(path);
      String detail =
          "Secret".equals(kindValue)
              ? "a field has the wrong type (details withheld: Secret values never appear in"
                  + " messages)"
              : firstLine(
                  e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage());
      problems.add(
          at.withLine(lineOfPath(node, path))
              + ": cannot be read as "
              + apiVersion
              + " "
              + kindValue
              + (field.isEmpty() ? "" : ", field '" + field + "'")
              + ": "
              + detail
              + "; compare the fields with the API reference of that kind");
    }
  }

  /** The Jackson path as {@code spec.template.spec.containers[0].image}. */
  private static String fieldPath(List<JacksonException.Reference> path) {
    StringBuilder sb = new StringBuilder();
    for (JacksonException.Reference r : path) {
      if (r.getPropertyName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** The line of the deepest node that the Jackson path reaches, or -1. */
  private static int lineOfPath(Node root, List<JacksonException.Reference> path) {
    Node current = root;
    int line = -1;
    for (JacksonException.Reference r : path) {
      Node next = null;
      if (r.getPropertyName() != null && current instanceof MappingNode m) {
        next = child(m, r.getPropertyName());
      } else if (r.getIndex() >= 0
          && current instanceof SequenceNode seq
          && r.getIndex() < seq.getValue().size()) {
        next = seq.getValue().get(r.getIndex());
      }
      if (next == null) {
        break;
      }
      current = next;
      line = line(current);
    }
    return line;
  }

  private static void flatten(
      List<?> items, MappingNode node, Location at, List<HasMetadata> out, Problems problems) {
    Node itemsNode = child(node, "items");
    List<Node> itemNodes =
        itemsNode instanceof SequenceNode seq && seq.getValue().size() == items.size()
            ? seq.getValue()
            : null;
    int i = 0;
    for (Object item : items) {
      Node itemNode = itemNodes == null ? null : itemNodes.get(i);
      i++;
      Location itemAt = at.withItem(i, itemNode == null ? at.line : line(itemNode));
      if (item instanceof Map<?, ?> m && itemNode instanceof MappingNode mapping) {
        addObject(m, mapping, itemAt, out, problems);
      } else if (item instanceof Map<?, ?> m) {
        addObject(m, node, itemAt, out, problems);
      } else {
        problems.add(
            itemAt
                + ": expected a mapping (a Kubernetes object) in 'items' but found "
                + (item == null
                    ? "null"
                    : item instanceof List<?> ? "a sequence" : "a plain value"));
      }
    }
  }

  private static String requireString(
      Map<?, ?> map, String key, MappingNode node, Location at, Problems problems) {
    Object value = map.get(key);
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    if (value == null || (value instanceof String s && s.isBlank())) {
      String example =
          "apiVersion".equals(key) ? "e.g. 'apiVersion: apps/v1'" : "e.g. 'kind: Deployment'";
      problems.add(
          at + ": missing '" + key + "'; every Kubernetes object needs one (" + example + ")");
    } else {
      problems.add(
          at.withLine(lineOfValue(node, key, at.line))
              + ": '"
              + key
              + "' must be a string but is "
              + typeName(value));
    }
    return null;
  }

  private static void checkName(Map<?, ?> map, MappingNode node, Location at, Problems problems) {
    Object metadata = map.get("metadata");
    if (metadata == null) {
      problems.add(at + ": missing 'metadata.name'; every object needs a fixed name");
      return;
    }
    Node metadataNode = child(node, "metadata");
    int metadataLine = metadataNode == null ? at.line : line(metadataNode);
    if (!(metadata instanceof Map<?, ?> meta)) {
      problems.add(
          at.withLine(metadataLine)
              + ": 'metadata' must be a mapping (with at least 'name') but is "
              + typeName(metadata));
      return;
    }
    Object name = meta.get("name");
    if (name instanceof String s && !s.isBlank()) {
      return;
    }
    if (name == null || (name instanceof String s && s.isBlank())) {
      if (meta.get("generateName") != null) {
        problems.add(
            at.withLine(metadataLine)
                + ": 'metadata.generateName' without 'metadata.name' is not supported; preview"
                + " objects need fixed names so that provisioning again converges on the same"
                + " objects instead of creating new ones. Set 'metadata.name'");
      } else {
        problems.add(
            at.withLine(metadataLine)
                + ": missing 'metadata.name'; every object needs a fixed name");
      }
      return;
    }
    Node nameNode = metadataNode instanceof MappingNode m ? child(m, "name") : null;
    problems.add(
        at.withLine(nameNode == null ? metadataLine : line(nameNode))
            + ": 'metadata.name' must be a string but is "
            + typeName(name)
            + "; quote it");
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends HasMetadata> typeFor(String apiVersion, String kind) {
    Class<? extends KubernetesResource> registered =
        SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kind);
    if (registered != null && HasMetadata.class.isAssignableFrom(registered)) {
      return (Class<? extends HasMetadata>) registered;
    }
    return GenericKubernetesResource.class;
  }

  private static String typeName(Object value) {
    if (value instanceof Map<?, ?>) {
      return "a mapping";
    }
    if (value instanceof List<?>) {
      return "a sequence";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return "a " + value.getClass().getSimpleName();
  }

  /** The value node of {@code key} in a mapping, or null. Linear in the mapping's size. */
  private static Node child(MappingNode node, String key) {
    for (NodeTuple tuple : node.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode k && key.equals(k.getValue())) {
        return tuple.getValueNode();
      }
    }
    return null;
  }

  private static int lineOfValue(MappingNode node, String key, int fallback) {
    Node value = child(node, key);
    return value == null ? fallback : line(value);
  }

  private static int line(Node node) {
    return node.getStartMark().map(m -> m.getLine() + 1).orElse(-1);
  }

  private static int lineOf(YamlEngineException e) {
    if (e instanceof MarkedYamlEngineException marked) {
      Optional<Mark> mark = marked.getProblemMark().or(marked::getContextMark);
      return mark.map(m -> m.getLine() + 1).orElse(-1);
    }
    return -1;
  }

  private static String describe(YamlEngineException e) {
    if (e instanceof MarkedYamlEngineException marked) {
      String problem = marked.getProblem();
      String context = marked.getContext();
      StringBuilder sb = new StringBuilder(problem == null ? "syntax error" : problem);
      if (context != null && !context.isBlank()) {
        sb.append(" (").append(context);
        marked
            .getContextMark()
            .ifPresent(m -> sb.append(" started at line ").append(m.getLine() + 1));
        sb.append(')');
      }
      return sb.toString();
    }
    return firstLine(e.getMessage());
  }

  private static JacksonException jacksonCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof JacksonException j) {
        return j;
      }
    }
    return null;
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no details";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  /** Where a problem is: origin, 1-based document index, optional item index and line. */
  record Location(String origin, int document, int item, int line) {
    Location withLine(int newLine) {
      return new Location(origin, document, item, newLine < 0 ? line : newLine);
    }

    Location withItem(int newItem, int newLine) {
      return new Location(origin, document, newItem, newLine < 0 ? line : newLine);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(origin);
      sb.append(", document ").append(document);
      if (item > 0) {
        sb.append(", item ").append(item);
      }
      sb.append(" (counting from 1)");
      if (line > 0) {
        sb.append(", line ").append(line);
      }
      return sb.toString();
    }
  }
}
