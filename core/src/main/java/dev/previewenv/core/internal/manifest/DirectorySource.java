package dev.previewenv.core.internal.manifest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * All .yaml, .yml and .json files below a directory, recursively, in the order of their relative
 * paths (compared name by name). Hidden files and directories are skipped; symbolic links to files
 * are read, symbolic links to directories are not followed. A directory that contains a
 * kustomization file is refused: use a kustomize source for it.
 */
public final class DirectorySource implements Source {
  private final Path dir;

  private DirectorySource(Path dir) {
    this.dir = dir;
  }

  public static DirectorySource of(Path dir) {
    return new DirectorySource(Objects.requireNonNull(dir, "dir"));
  }

  @Override
  public List<HasMetadata> load() {
    Problems problems = new Problems();
    if (!Files.exists(dir)) {
      problems.add(
          dir
              + ": directory does not exist (resolved to "
              + dir.toAbsolutePath()
              + "); check the path and the working directory");
      problems.throwIfAny(description());
    }
    if (!Files.isDirectory(dir)) {
      problems.add(dir + ": is a file, expected a directory; use ManifestSource.file(...) for it");
      problems.throwIfAny(description());
    }
    List<ManifestFiles.Candidate<Path>> all = walk(problems);
    List<ManifestFiles.Candidate<Path>> manifests =
        ManifestFiles.select(
            description(),
            all,
            "Use ManifestSource.kustomize(Path.of(\""
                + dir
                + "\")) to render it with kustomize,"
                + " or point ManifestSource.directory(...) at a directory of plain manifests.",
            problems);
    List<HasMetadata> out = new ArrayList<>();
    for (ManifestFiles.Candidate<Path> m : manifests) {
      ManifestFiles.readFile(m.handle(), m.shown(), out, problems);
    }
    return ManifestFiles.finish(description(), out, problems);
  }

  private List<ManifestFiles.Candidate<Path>> walk(Problems problems) {
    List<ManifestFiles.Candidate<Path>> found = new ArrayList<>();
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              if (!d.equals(dir) && ManifestFiles.isHidden(d.getFileName().toString())) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (ManifestFiles.isHidden(file.getFileName().toString())) {
                return FileVisitResult.CONTINUE;
              }
              if (attrs.isRegularFile() || (attrs.isSymbolicLink() && Files.isRegularFile(file))) {
                List<String> relative = new ArrayList<>();
                for (Path part : dir.relativize(file)) {
                  relative.add(part.toString());
                }
                found.add(new ManifestFiles.Candidate<>(relative, file.toString(), file));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              problems.add(file + ": cannot be read while listing " + dir + ": " + e);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      problems.add(dir + ": cannot be listed: " + e);
    }
    return found;
  }

  @Override
  public String description() {
    return "directory " + dir;
  }

  @Override
  public String toString() {
    return description();
  }
}
