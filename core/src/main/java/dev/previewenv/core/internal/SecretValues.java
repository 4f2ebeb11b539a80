package dev.previewenv.core.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The secret values PreviewEnv knows (those of the plan's Secrets, the copied source secrets, and
 * where it may list them the namespace's Secrets), and the one scrubber every output goes through:
 * each value, decoded and base64 (padded and unpadded), at least {@value #MIN_LENGTH} characters
 * long, is replaced by {@value #REDACTED}, longest first. The credentials inside a registry
 * secret's docker config ({@code .dockerconfigjson}, {@code .dockercfg}: each registry's {@code
 * password}, {@code auth} and its decoded {@code user:password}, {@code identitytoken}, {@code
 * registrytoken}) are values of their own: a log prints the password, not the whole JSON. Immutable
 * and thread-safe.
 */
public final class SecretValues {
  /** What a secret value is replaced with. */
  public static final String REDACTED = "<redacted>";

  /** Shorter values are not scrubbed (they would blank out ordinary words). */
  public static final int MIN_LENGTH = 4;

  private static final String SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token";

  private static final Set<String> DOCKER_CONFIG_KEYS = Set.of(".dockerconfigjson", ".dockercfg");

  private static final Set<String> DOCKER_CREDENTIALS =
      Set.of("password", "auth", "identitytoken", "registrytoken");

  /** A docker config larger than this is not parsed for its credentials. */
  private static final int DOCKER_CONFIG_LIMIT = 1 << 20;

  private static final SecretValues NONE = new SecretValues(List.of());

  private final List<String> values; // longest first

  private SecretValues(List<String> values) {
    this.values = values;
  }

  /** No values: {@link #scrub} returns its input. */
  public static SecretValues none() {
    return NONE;
  }

  /** The values of every Secret among {@code objects} (other kinds are ignored). */
  public static SecretValues of(Collection<? extends HasMetadata> objects) {
    Set<String> found = new LinkedHashSet<>();
    for (HasMetadata o : objects) {
      if (o instanceof Secret s) {
        addSecret(found, s);
      } else if (o != null && "Secret".equals(o.getKind())) {
        // a generic object of kind Secret: its data and stringData maps
        Object tree =
            o instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource g
                ? g.getAdditionalProperties()
                : null;
        if (tree instanceof Map<?, ?> m) {
          addMap(found, m.get("data"), true);
          addMap(found, m.get("stringData"), false);
        }
      }
    }
    return of(found);
  }

  /** Exactly these plain values (and their base64 forms). */
  public static SecretValues ofPlain(Collection<String> plain) {
    Set<String> found = new LinkedHashSet<>();
    for (String p : plain) {
      addPlain(found, p);
    }
    return of(found);
  }

  private static SecretValues of(Set<String> found) {
    if (found.isEmpty()) {
      return NONE;
    }
    List<String> sorted = new ArrayList<>(found);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return new SecretValues(List.copyOf(sorted));
  }

  /** These values and {@code other}'s. */
  public SecretValues plus(SecretValues other) {
    if (other.values.isEmpty()) {
      return this;
    }
    if (values.isEmpty()) {
      return other;
    }
    Set<String> all = new LinkedHashSet<>(values);
    all.addAll(other.values);
    return of(all);
  }

  /** Whether no value is known. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** {@code text} with every known value replaced by {@value #REDACTED}; {@code null} stays. */
  public String scrub(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    String out = text;
    for (String v : values) {
      if (out.contains(v)) {
        out = out.replace(v, REDACTED);
      }
    }
    return out;
  }

  /**
   * {@code xml} with every known value, as given and XML-escaped, replaced by {@code
   * &lt;redacted&gt;}: the document stays well-formed (a plain {@value #REDACTED} would not be
   * inside an attribute).
   */
  public String scrubXml(String xml) {
    if (xml == null || values.isEmpty()) {
      return xml;
    }
    String out = xml;
    for (String v : values) {
      for (String form : new String[] {v, escapeXml(v)}) {
        if (out.contains(form)) {
          out = out.replace(form, "&lt;redacted&gt;");
        }
      }
    }
    return out;
  }

  private static String escapeXml(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&apos;");
  }

  /** Whether {@code text} contains a known value. */
  public boolean appearsIn(String text) {
    return text != null && values.stream().anyMatch(text::contains);
  }

  private static void addSecret(Set<String> found, Secret s) {
    if (s.getData() != null) {
      boolean serviceAccountToken = SERVICE_ACCOUNT_TOKEN.equals(s.getType());
      for (Map.Entry<String, String> e : s.getData().entrySet()) {
        // a token secret's "namespace" is the namespace's own name, which is no secret: scrubbing
        // it made every mention of the environment read <redacted> (summary.md's title)
        if (!(serviceAccountToken && "namespace".equals(e.getKey()))) {
          addEncoded(found, e.getKey(), e.getValue());
        }
      }
    }
    if (s.getStringData() != null) {
      for (Map.Entry<String, String> e : s.getStringData().entrySet()) {
        addPlain(found, e.getKey(), e.getValue());
      }
    }
  }

  private static void addMap(Set<String> found, Object map, boolean encoded) {
    if (map instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getValue() instanceof String s) {
          String key = String.valueOf(e.getKey());
          if (encoded) {
            addEncoded(found, key, s);
          } else {
            addPlain(found, key, s);
          }
        }
      }
    }
  }

  private static void addEncoded(Set<String> found, String key, String encoded) {
    if (encoded == null) {
      return;
    }
    add(found, encoded);
    try {
      String plain =
          new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8);
      add(found, plain);
      for (String line : plain.split("\\R")) {
        add(found, line); // a multi-line value (a key file) may appear one line at a time
      }
      addDockerConfig(found, key, plain);
    } catch (IllegalArgumentException notBase64) {
      // kept as given
    }
  }

  private static void addPlain(Set<String> found, String plain) {
    addPlain(found, null, plain);
  }

  private static void addPlain(Set<String> found, String key, String plain) {
    if (plain == null) {
      return;
    }
    addOnePlain(found, plain);
    addDockerConfig(found, key, plain);
  }

  private static void addOnePlain(Set<String> found, String plain) {
    add(found, plain);
    for (String line : plain.split("\\R")) {
      add(found, line);
    }
    add(found, Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The credentials of a docker config ({@code .dockerconfigjson}: {@code {"auths": {registry:
   * {...}}}}; the older {@code .dockercfg}: {@code {registry: {...}}}), each as a value of its own.
   * A config that does not parse adds nothing here (its whole text is known anyway).
   */
  private static void addDockerConfig(Set<String> found, String key, String json) {
    if (key == null || !DOCKER_CONFIG_KEYS.contains(key) || json.length() > DOCKER_CONFIG_LIMIT) {
      return;
    }
    Object tree;
    try {
      tree =
          new org.snakeyaml.engine.v2.api.Load(
                  org.snakeyaml.engine.v2.api.LoadSettings.builder()
                      .setCodePointLimit(DOCKER_CONFIG_LIMIT)
                      .build())
              .loadFromString(json);
    } catch (RuntimeException | StackOverflowError notJson) {
      return;
    }
    if (!(tree instanceof Map<?, ?> top)) {
      return;
    }
    Object registries = top.get("auths") instanceof Map<?, ?> auths ? auths : top;
    for (Object entry : ((Map<?, ?>) registries).values()) {
      if (!(entry instanceof Map<?, ?> credentials)) {
        continue;
      }
      for (Map.Entry<?, ?> field : credentials.entrySet()) {
        String name = String.valueOf(field.getKey()).toLowerCase(java.util.Locale.ROOT);
        if (!(field.getValue() instanceof String value) || !DOCKER_CREDENTIALS.contains(name)) {
          continue;
        }
        addOnePlain(found, value);
        if (name.equals("auth")) {
          try {
            String userPassword =
                new String(Base64.getDecoder().decode(value.strip()), StandardCharsets.UTF_8);
            addOnePlain(found, userPassword);
            int colon = userPassword.indexOf(':');
            if (colon >= 0) {
              addOnePlain(found, userPassword.substring(colon + 1));
            }
          } catch (IllegalArgumentException notBase64) {
            // kept as given
          }
        }
      }
    }
  }

  private static void add(Set<String> found, String value) {
    String trimmed = value.strip();
    if (trimmed.length() >= MIN_LENGTH) {
      found.add(trimmed);
      String unpadded = trimmed.replaceAll("=+$", "");
      if (unpadded.length() >= MIN_LENGTH) {
        found.add(unpadded);
      }
    }
  }
}
