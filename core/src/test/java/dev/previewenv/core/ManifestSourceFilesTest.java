package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directories and classpath resources: which files are read, in which order, and refusals. */
class ManifestSourceFilesTest {

  private static String configMap(String name) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n";
  }

  private static void write(Path dir, String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static List<String> names(List<HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).toList();
  }

  @Test
  void readsADirectoryRecursivelyInTheOrderOfRelativePaths(@TempDir Path dir) throws IOException {
    // Created in scrambled order; the load order must not depend on creation or listing order.
    write(dir, "z.yaml", configMap("z"));
    write(dir, "b/2.yml", configMap("b-2"));
    write(
        dir,
        "a.json",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}");
    write(dir, "b/1.yaml", configMap("b-1"));
    write(dir, "B.yaml", configMap("upper-b"));
    write(dir, "a-b.yaml", configMap("a-b"));
    write(dir, "a/x.yaml", configMap("a-x"));
    write(dir, "b/c/0.yaml", configMap("b-c-0"));

    List<HasMetadata> objects = ManifestSource.directory(dir).load();

    // Name by name, by UTF-16 code unit: "B" < "a" < "a-b.yaml" < "a.json" < "b" < "z.yaml";
    // inside "b": "1.yaml" < "2.yml" < "c".
    assertThat(names(objects))
        .containsExactly("upper-b", "a-x", "a-b", "a", "b-1", "b-2", "b-c-0", "z");
    assertThat(names(ManifestSource.directory(dir).load())).isEqualTo(names(objects));
  }

  @Test
  void skipsOtherFilesAndHiddenFilesAndDirectories(@TempDir Path dir) throws IOException {
    write(dir, "app.yaml", configMap("app"));
    write(dir, "README.md", "# not a manifest");
    write(dir, "notes.txt", "apiVersion: nonsense");
    write(dir, ".hidden.yaml", configMap("hidden-file"));
    write(dir, ".git/config.yaml", configMap("hidden-dir"));

    assertThat(names(ManifestSource.directory(dir).load())).containsExactly("app");
  }

  @Test
  void namesTheFileWithItsPathInDirectoryProblems(@TempDir Path dir) throws IOException {
    write(dir, "good.yaml", configMap("good"));
    write(dir, "sub/bad.yaml", configMap("first") + "---\napiVersion: v1\nmetadata:\n  name: x\n");
    write(dir, "sub/worse.yaml", "kind: ConfigMap\n");

    InvalidPlanException e =
        catchThrowableOfType(InvalidPlanException.class, ManifestSource.directory(dir)::load);

    assertThat(e.problems())
        .hasSize(3)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        dir.resolve("sub/bad.yaml") + ", document 2 (counting from 1), line 6")
                    .contains("missing 'kind'"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        dir.resolve("sub/worse.yaml") + ", document 1 (counting from 1), line 1")
                    .contains("missing 'apiVersion'"));
    assertThat(e.getMessage()).contains("directory " + dir);
  }

  @Test
  void refusesADirectoryThatContainsAKustomization(@TempDir Path dir) throws IOException {
    write(dir, "app.yaml", configMap("app"));
    write(dir, "overlays/dev/kustomization.yaml", "resources: [../../app.yaml]\n");

    InvalidPlanException e =
        catchThrowableOfType(InvalidPlanException.class, ManifestSource.directory(dir)::load);

    assertThat(e.getMessage()).contains("ManifestSource.kustomize(");
    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith(dir.resolve("overlays/dev/kustomization.yaml").toString());
  }

  @Test
  void refusesADirectoryWithoutManifests(@TempDir Path dir) throws IOException {
    write(dir, "README.md", "nothing here");

    InvalidPlanException e =
        catchThrowableOfType(InvalidPlanException.class, ManifestSource.directory(dir)::load);

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains(dir.toString())
        .contains("contains no .yaml, .yml or .json files");
  }

  @Test
  void refusesAMissingDirectoryAndAFileGivenAsDirectory(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing");
    write(dir, "app.yaml", configMap("app"));

    assertThat(
            catchThrowableOfType(
                InvalidPlanException.class, ManifestSource.directory(missing)::load))
        .hasMessageContaining(missing + ": directory does not exist");
    assertThat(
            catchThrowableOfType(
                InvalidPlanException.class,
                ManifestSource.directory(dir.resolve("app.yaml"))::load))
        .hasMessageContaining("ManifestSource.file(");
  }

  @Test
  void readsASingleClasspathFile() {
    assertThat(names(ManifestSource.classpath("manifests/valid/stack.yaml").load()))
        .containsExactly("api", "api", "api-config");
    assertThat(names(ManifestSource.classpath("/manifests/valid/list.yaml").load()))
        .containsExactly("first", "second", "third");
  }

  @Test
  void readsAClasspathDirectoryInPathOrder() {
    assertThat(names(ManifestSource.classpath("manifests/tree").load()))
        .containsExactly("a", "b", "c");
  }

  @Test
  void refusesAClasspathDirectoryWithAKustomization() {
    InvalidPlanException e =
        catchThrowableOfType(
            InvalidPlanException.class,
            ManifestSource.classpath("manifests/with-kustomization")::load);

    assertThat(e.problems())
        .singleElement()
        .asString()
        .isEqualTo(
            "classpath:manifests/with-kustomization/kustomization.yaml: is a kustomization file;"
                + " the files of a kustomization are bases, patches and generator inputs, not"
                + " plain manifests");
  }

  @Test
  void missingClasspathResourceSaysHowToNameIt() {
    InvalidPlanException e =
        catchThrowableOfType(
            InvalidPlanException.class, ManifestSource.classpath("manifests/nope.yaml")::load);

    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith("classpath:manifests/nope.yaml: resource not found")
        .contains("without a leading '/'");
  }

  @Test
  void readsFilesAndDirectoriesInsideAJarThroughTheContextClassLoader(@TempDir Path dir)
      throws IOException {
    Path jar = dir.resolve("stack.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      putEntry(out, "stack/", null);
      putEntry(out, "stack/web/", null);
      putEntry(out, "stack/web/b.yaml", configMap("web-b"));
      putEntry(out, "stack/api.yaml", configMap("api"));
      putEntry(out, "stack/web/a.yaml", configMap("web-a"));
      putEntry(out, "stack/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n");
      putEntry(out, "single.yaml", configMap("single"));
    }

    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertThat(
              withContextLoader(
                  loader, () -> names(ManifestSource.classpath("single.yaml").load())))
          .containsExactly("single");
      InvalidPlanException e =
          withContextLoader(
              loader,
              () ->
                  catchThrowableOfType(
                      InvalidPlanException.class, ManifestSource.classpath("stack")::load));
      assertThat(e.problems())
          .singleElement()
          .asString()
          .startsWith("classpath:stack/bad.yaml, document 1 (counting from 1), line 3");
    }
  }

  @Test
  void readsAJarDirectoryInPathOrder(@TempDir Path dir) throws IOException {
    Path jar = dir.resolve("stack.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      putEntry(out, "stack/", null);
      putEntry(out, "stack/web/b.yaml", configMap("web-b"));
      putEntry(out, "stack/z.yaml", configMap("z"));
      putEntry(out, "stack/web/a.yaml", configMap("web-a"));
      putEntry(out, "stack/.hidden.yaml", configMap("hidden"));
      putEntry(out, "stack/api.yaml", configMap("api"));
    }

    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertThat(withContextLoader(loader, () -> names(ManifestSource.classpath("stack").load())))
          .containsExactly("api", "web-a", "web-b", "z");
    }
  }

  private static void putEntry(JarOutputStream out, String name, String content)
      throws IOException {
    out.putNextEntry(new JarEntry(name));
    if (content != null) {
      OutputStream o = out;
      o.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    out.closeEntry();
  }

  private static <T> T withContextLoader(ClassLoader loader, Supplier<T> action) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return action.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
