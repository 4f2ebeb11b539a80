package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.PreviewEnvException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A classpath resource: one file, or a directory (in a directory on the classpath or inside a jar)
 * read like {@link DirectorySource}. Looked up with the thread context class loader, then with
 * PreviewEnv's own class loader.
 */
public final class ClasspathSource implements Source {
  private final String resource;

  private ClasspathSource(String resource) {
    this.resource = resource;
  }

  public static ClasspathSource of(String resource) {
    Objects.requireNonNull(resource, "resource");
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    while (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          "ManifestSource.classpath(\""
              + resource
              + "\") needs a resource name such as \"manifests/app.yaml\"");
    }
    return new ClasspathSource(name);
  }

  @Override
  public List<HasMetadata> load() {
    URL url = find();
    Problems problems = new Problems();
    List<HasMetadata> out = new ArrayList<>();
    String shown = "classpath:" + resource;
    try {
      if ("file".equals(url.getProtocol())) {
        Path path = Path.of(url.toURI());
        if (Files.isDirectory(path)) {
          return fromDirectory(path, problems);
        }
        ManifestFiles.readFile(path, shown, out, problems);
      } else if ("jar".equals(url.getProtocol())) {
        fromJar(url, out, problems);
      } else {
        try (InputStream in = url.openStream()) {
          ManifestParser.parse(in.readAllBytes(), shown, out, problems);
        }
      }
    } catch (PreviewEnvException e) {
      throw e;
    } catch (IOException | URISyntaxException | RuntimeException e) {
      problems.add(shown + ": cannot be read from " + url + ": " + e);
    }
    return ManifestFiles.finish(description(), out, problems);
  }

  private URL find() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    URL url = context == null ? null : context.getResource(resource);
    if (url == null) {
      ClassLoader own = ClasspathSource.class.getClassLoader();
      url = own == null ? ClassLoader.getSystemResource(resource) : own.getResource(resource);
    }
    if (url == null) {
      Problems problems = new Problems();
      problems.add(
          "classpath:"
              + resource
              + ": resource not found (looked in the thread context class loader and in"
              + " PreviewEnv's class loader). Name it relative to the classpath root without a"
              + " leading '/', e.g. \"manifests/app.yaml\" for src/test/resources/manifests/app.yaml,"
              + " and check that the build copies it");
      problems.throwIfAny(description());
    }
    return url;
  }

  private List<HasMetadata> fromDirectory(Path root, Problems problems) {
    // Read like a directory source, but show resource names rather than build output paths.
    List<ManifestFiles.Candidate<Path>> all = new ArrayList<>();
    try (var stream = Files.walk(root)) {
      stream
          .filter(p -> !p.equals(root))
          .forEach(
              p -> {
                List<String> relative = new ArrayList<>();
                for (Path part : root.relativize(p)) {
                  relative.add(part.toString());
                }
                if (relative.stream().noneMatch(ManifestFiles::isHidden)
                    && Files.isRegularFile(p)) {
                  all.add(
                      new ManifestFiles.Candidate<>(
                          relative, "classpath:" + resource + "/" + String.join("/", relative), p));
                }
              });
    } catch (IOException | java.io.UncheckedIOException e) {
      problems.add("classpath:" + resource + ": cannot be listed: " + e);
    }
    List<HasMetadata> out = new ArrayList<>();
    for (ManifestFiles.Candidate<Path> m :
        ManifestFiles.select(description(), all, kustomizeHint(), problems)) {
      ManifestFiles.readFile(m.handle(), m.shown(), out, problems);
    }
    return ManifestFiles.finish(description(), out, problems);
  }

  private void fromJar(URL url, List<HasMetadata> out, Problems problems) throws IOException {
    URLConnection connection = url.openConnection();
    if (!(connection instanceof JarURLConnection jarConnection)) {
      try (InputStream in = connection.getInputStream()) {
        ManifestParser.parse(in.readAllBytes(), "classpath:" + resource, out, problems);
      }
      return;
    }
    jarConnection.setUseCaches(false);
    try (JarFile jar = jarConnection.getJarFile()) {
      String entryName = jarConnection.getEntryName();
      JarEntry single = jar.getJarEntry(entryName);
      if (single != null && !single.isDirectory() && !entryName.endsWith("/")) {
        try (InputStream in = jar.getInputStream(single)) {
          ManifestParser.parse(in.readAllBytes(), "classpath:" + resource, out, problems);
        }
        return;
      }
      String prefix = entryName.endsWith("/") ? entryName : entryName + "/";
      List<ManifestFiles.Candidate<JarEntry>> all = new ArrayList<>();
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry e = entries.nextElement();
        if (e.isDirectory() || !e.getName().startsWith(prefix)) {
          continue;
        }
        List<String> relative = List.of(e.getName().substring(prefix.length()).split("/"));
        if (relative.stream().noneMatch(ManifestFiles::isHidden)) {
          all.add(
              new ManifestFiles.Candidate<>(
                  relative, "classpath:" + resource + "/" + String.join("/", relative), e));
        }
      }
      for (ManifestFiles.Candidate<JarEntry> m :
          ManifestFiles.select(description(), all, kustomizeHint(), problems)) {
        try (InputStream in = jar.getInputStream(m.handle())) {
          ManifestParser.parse(in.readAllBytes(), m.shown(), out, problems);
        }
      }
    }
  }

  private static String kustomizeHint() {
    return "kustomize cannot read from the classpath: render it with ManifestSource.kustomize(dir)"
        + " from a directory on disk, or pre-render it (kustomize build dir > rendered.yaml) and"
        + " put the rendered file on the classpath.";
  }

  @Override
  public String description() {
    return "classpath resource " + resource;
  }

  @Override
  public String toString() {
    return description();
  }
}
