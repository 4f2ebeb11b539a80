package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.internal.SecretValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What PreviewEnv learns from a kustomization tree before running kustomize: the entries that reach
 * the network (remote bases, resources and components, Helm chart repositories), and the values of
 * every {@code secretGenerator} (literals, env files, files), which are scrubbed from kustomize's
 * standard error. Follows local {@code resources}, {@code bases} and {@code components}
 * directories; a file it cannot read or parse is left to kustomize to report.
 */
final class KustomizationScan {
  private static final Pattern REMOTE =
      Pattern.compile(
          "^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|git@|(?:github|gitlab|bitbucket)\\.(?:com|org)/)"
              + "|\\?ref=|\\.git(?://|$)");
  private static final int MAX_DIRS = 200;
  private static final long MAX_FILE = 1 << 20;

  final List<String> remote = new ArrayList<>();
  private final Set<String> secrets = new LinkedHashSet<>();
  private final Set<Path> seen = new HashSet<>();

  static KustomizationScan of(Path dir) {
    KustomizationScan scan = new KustomizationScan();
    scan.visit(dir);
    return scan;
  }

  SecretValues secretValues() {
    return SecretValues.ofPlain(secrets);
  }

  private void visit(Path dir) {
    Path real = dir.toAbsolutePath().normalize();
    if (!seen.add(real) || seen.size() > MAX_DIRS) {
      return;
    }
    Path file = null;
    for (String name : ManifestFiles.KUSTOMIZATION_NAMES) {
      if (Files.isRegularFile(real.resolve(name))) {
        file = real.resolve(name);
        break;
      }
    }
    if (file == null) {
      return;
    }
    Object tree;
    try {
      tree = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    } catch (IOException | RuntimeException | StackOverflowError e) {
      return; // kustomize reports it, naming the file
    }
    if (!(tree instanceof Map<?, ?> k)) {
      return;
    }
    for (String field : new String[] {"resources", "bases", "components"}) {
      for (String entry : strings(k.get(field))) {
        if (REMOTE.matcher(entry).find()) {
          remote.add(file + ": " + field + " entry " + entry);
        } else if (Files.isDirectory(real.resolve(entry))) {
          visit(real.resolve(entry));
        }
      }
    }
    if (k.get("helmCharts") instanceof List<?> charts) {
      for (Object c : charts) {
        if (c instanceof Map<?, ?> chart && chart.get("repo") instanceof String repo) {
          remote.add(file + ": helmCharts entry " + chart.get("name") + " from repo " + repo);
        }
      }
    }
    if (k.get("secretGenerator") instanceof List<?> generators) {
      for (Object g : generators) {
        if (g instanceof Map<?, ?> gen) {
          for (String literal : strings(gen.get("literals"))) {
            int eq = literal.indexOf('=');
            secrets.add(eq < 0 ? literal : literal.substring(eq + 1));
          }
          List<String> envs = new ArrayList<>(strings(gen.get("envs")));
          if (gen.get("env") instanceof String env) {
            envs.add(env);
          }
          for (String env : envs) {
            for (String line : read(real.resolve(env)).split("\\R")) {
              int eq = line.indexOf('=');
              if (eq > 0 && !line.strip().startsWith("#")) {
                secrets.add(line.substring(eq + 1));
              }
            }
          }
          for (String f : strings(gen.get("files"))) {
            int eq = f.indexOf('=');
            secrets.add(read(real.resolve(eq < 0 ? f : f.substring(eq + 1))));
          }
        }
      }
    }
  }

  private static List<String> strings(Object node) {
    List<String> out = new ArrayList<>();
    if (node instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          out.add(s.strip());
        }
      }
    }
    return out;
  }

  private static String read(Path file) {
    try {
      if (Files.isRegularFile(file) && Files.size(file) <= MAX_FILE) {
        return Files.readString(file, StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      // left to kustomize
    }
    return "";
  }
}
