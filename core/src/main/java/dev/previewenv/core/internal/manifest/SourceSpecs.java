package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.Helm;
import dev.previewenv.core.HelmChart;
import dev.previewenv.core.Kustomize;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the one-line manifest source specifications of {@code ManifestSource#parse}. */
public final class SourceSpecs {

  private static final Pattern PREFIXED = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]+):(.*)");
  private static final String KINDS = "classpath:, file:, kustomize: or helm:";

  private SourceSpecs() {}

  /** See {@code ManifestSource#parse(String, Path)}. */
  public static Source parse(String spec, Path base) {
    String entry = spec.strip();
    Matcher m = PREFIXED.matcher(entry);
    String kind = "file";
    String rest = entry;
    // A Windows drive letter (C:\...) is a path, not a prefix.
    if (m.matches() && m.group(1).length() > 1) {
      kind = m.group(1).toLowerCase(Locale.ROOT);
      rest = m.group(2);
    }
    String[] parts = rest.split(";", -1);
    String target = parts[0].strip();
    if (target.isEmpty()) {
      throw new IllegalArgumentException(
          "manifest source \"" + spec + "\" names no resource or path, e.g. \"helm:charts/shop\"");
    }
    List<String[]> options = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String o = parts[i].strip();
      if (o.isEmpty()) {
        continue;
      }
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "manifest source \""
                + spec
                + "\": option \""
                + o
                + "\" is not name=value, e.g. \"helm:charts/shop;values=preview.yaml\"");
      }
      options.add(new String[] {o.substring(0, eq).strip(), o.substring(eq + 1).strip()});
    }
    return switch (kind) {
      case "classpath" -> {
        noOptions(spec, kind, options);
        yield ClasspathSource.of(target);
      }
      case "file" -> {
        noOptions(spec, kind, options);
        Path p = path(spec, base, target);
        yield Files.isDirectory(p) ? DirectorySource.of(p) : FileSource.of(p);
      }
      case "kustomize" -> kustomize(spec, path(spec, base, target), options);
      case "helm" -> helm(spec, base, path(spec, base, target), options);
      default ->
          throw new IllegalArgumentException(
              "manifest source \""
                  + spec
                  + "\" has the unknown prefix \""
                  + kind
                  + ":\": use "
                  + KINDS);
    };
  }

  private static Source kustomize(String spec, Path dir, List<String[]> options) {
    Kustomize k = Kustomize.auto();
    for (String[] o : options) {
      if (o[0].equals("helm")) {
        if (bool(spec, o)) {
          k = k.withHelm(Helm.auto());
        }
      } else {
        throw unknownOption(spec, o[0], "helm=true");
      }
    }
    return KustomizeSource.of(dir, k);
  }

  private static Source helm(String spec, Path base, Path chart, List<String[]> options) {
    HelmChart c = HelmChart.of(chart);
    for (String[] o : options) {
      try {
        c =
            switch (o[0]) {
              case "release" -> c.withRelease(o[1]);
              case "values" -> c.withValues(path(spec, base, o[1]));
              case "set" -> c.withSet(key(spec, o[1]), value(o[1]));
              case "set-string" -> c.withSetString(key(spec, o[1]), value(o[1]));
              case "kube-version" -> c.withKubeVersion(o[1]);
              case "hooks" -> c.withHooks(hooks(spec, o[1]));
              default ->
                  throw unknownOption(
                      spec, o[0], "release, values, set, set-string, kube-version or hooks");
            };
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("manifest source")) {
          throw e;
        }
        throw new IllegalArgumentException(
            "manifest source \"" + spec + "\": " + e.getMessage(), e);
      }
    }
    return HelmSource.of(c);
  }

  private static HelmChart.Hooks hooks(String spec, String value) {
    for (HelmChart.Hooks h : HelmChart.Hooks.values()) {
      if (h.name().equalsIgnoreCase(value)) {
        return h;
      }
    }
    throw new IllegalArgumentException(
        "manifest source \""
            + spec
            + "\": hooks="
            + value
            + " is unknown; use seed, omit, apply or refuse");
  }

  private static String key(String spec, String entry) {
    int eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "manifest source \""
              + spec
              + "\": set="
              + entry
              + " is not key=value, e.g. set=api.replicas=2");
    }
    return entry.substring(0, eq);
  }

  private static String value(String entry) {
    return entry.substring(entry.indexOf('=') + 1);
  }

  private static boolean bool(String spec, String[] o) {
    if (o[1].equalsIgnoreCase("true") || o[1].equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(o[1]);
    }
    throw new IllegalArgumentException(
        "manifest source \"" + spec + "\": " + o[0] + "=" + o[1] + " must be true or false");
  }

  private static void noOptions(String spec, String kind, List<String[]> options) {
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(
          "manifest source \""
              + spec
              + "\": "
              + kind
              + ": sources take no options (only kustomize: and helm: do)");
    }
  }

  private static IllegalArgumentException unknownOption(String spec, String name, String known) {
    return new IllegalArgumentException(
        "manifest source \"" + spec + "\": unknown option \"" + name + "\"; known: " + known);
  }

  private static Path path(String spec, Path base, String value) {
    try {
      return base.resolve(value).normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "manifest source \"" + spec + "\": \"" + value + "\" is not a valid path", e);
    }
  }
}
