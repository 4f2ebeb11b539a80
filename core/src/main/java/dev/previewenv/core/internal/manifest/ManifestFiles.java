package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.InvalidPlanException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Rules shared by the file, directory and classpath sources. */
final class ManifestFiles {

  /** File names that make a directory a kustomization. */
  static final List<String> KUSTOMIZATION_NAMES =
      List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  /**
   * Orders relative paths component by component (like a recursive walk that sorts each directory
   * by name), comparing names by their UTF-16 code units: the same order on every OS and locale.
   */
  static final Comparator<List<String>> BY_RELATIVE_PATH =
      (a, b) -> {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
          int c = a.get(i).compareTo(b.get(i));
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(a.size(), b.size());
      };

  private ManifestFiles() {}

  static boolean isManifestName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
  }

  static boolean isKustomization(String name) {
    return KUSTOMIZATION_NAMES.contains(name);
  }

  static boolean isHidden(String name) {
    return name.startsWith(".");
  }

  /** Reads and parses one file; a missing or unreadable file is a problem naming {@code origin}. */
  static void readFile(Path path, String origin, List<HasMetadata> out, Problems problems) {
    if (Files.isDirectory(path)) {
      problems.add(
          origin
              + ": is a directory, expected a YAML or JSON file; use ManifestSource.directory(...)"
              + " for a directory of manifests");
      return;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      problems.add(
          origin
              + ": file does not exist (resolved to "
              + path.toAbsolutePath()
              + "); check the path and the working directory");
      return;
    } catch (AccessDeniedException e) {
      problems.add(origin + ": file is not readable (permission denied); check its permissions");
      return;
    } catch (IOException e) {
      problems.add(origin + ": file cannot be read: " + e);
      return;
    }
    ManifestParser.parse(bytes, origin, out, problems);
  }

  /**
   * Ends a load: throws when problems were found or when the source held no object at all (almost
   * always a wrong path or an unfinished file), else returns the objects.
   */
  static List<HasMetadata> finish(String description, List<HasMetadata> out, Problems problems) {
    if (problems.isEmpty() && out.isEmpty()) {
      problems.add(
          description
              + ": contains no Kubernetes objects (only empty documents or comments); expected at"
              + " least one object. Check that the source points at the right manifests");
    }
    problems.throwIfAny(description);
    return out;
  }

  /** Refuses a tree that contains kustomization files: they are not plain manifests. */
  static void refuseKustomizations(String description, List<String> kustomizations, String hint) {
    if (kustomizations.isEmpty()) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (String k : kustomizations) {
      problems.add(
          k
              + ": is a kustomization file; the files of a kustomization are bases, patches and"
              + " generator inputs, not plain manifests");
    }
    throw new InvalidPlanException(
        "Cannot load manifests from " + description + ": it contains kustomization files. " + hint,
        problems);
  }

  /** A file found in a tree: its path relative to the root, how to show it, how to reach it. */
  record Candidate<T>(List<String> relative, String shown, T handle) {}

  /**
   * Picks the manifest files of a tree: refuses kustomization files, keeps .yaml/.yml/.json files
   * and returns them in {@link #BY_RELATIVE_PATH} order. Hidden names are expected to be skipped by
   * the caller's walk. An empty result is a problem that says where was searched.
   */
  static <T> List<Candidate<T>> select(
      String description, List<Candidate<T>> all, String kustomizeHint, Problems problems) {
    List<String> kustomizations = new ArrayList<>();
    List<Candidate<T>> manifests = new ArrayList<>();
    for (Candidate<T> c : all) {
      String name = c.relative().get(c.relative().size() - 1);
      if (isKustomization(name)) {
        kustomizations.add(c.shown());
      } else if (isManifestName(name)) {
        manifests.add(c);
      }
    }
    kustomizations.sort(Comparator.naturalOrder());
    refuseKustomizations(description, kustomizations, kustomizeHint);
    manifests.sort(Comparator.comparing(Candidate::relative, BY_RELATIVE_PATH));
    if (manifests.isEmpty() && problems.isEmpty()) {
      problems.add(
          description
              + ": contains no .yaml, .yml or .json files (searched recursively; hidden files and"
              + " directories, whose names start with '.', are skipped); check the path");
    }
    return manifests;
  }
}
