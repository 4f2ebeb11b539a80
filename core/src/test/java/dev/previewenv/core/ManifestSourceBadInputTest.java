package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input names the file, the document (counting from 1) and the line. */
class ManifestSourceBadInputTest {

  private static final String CONFIG_MAP =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n";

  private static InvalidPlanException loadFails(ManifestSource source) {
    return catchThrowableOfType(InvalidPlanException.class, source::load);
  }

  private static InvalidPlanException yamlFails(String content) {
    return loadFails(ManifestSource.yaml("bad.yaml", content));
  }

  @Test
  void malformedYamlNamesFileDocumentAndLine() {
    InvalidPlanException e =
        yamlFails(CONFIG_MAP + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith("bad.yaml, document 2 (counting from 1), line ")
        .contains("malformed YAML");
    assertThat(e.getMessage())
        .contains("bad.yaml, document 2 (counting from 1), line 10")
        .contains("flow sequence started at line 9");
  }

  @Test
  void badIndentationIsReportedWithItsLine() {
    InvalidPlanException e =
        yamlFails("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n bad: b\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 1 (counting from 1), line 5")
        .contains("malformed YAML");
  }

  @Test
  void documentThatIsAScalarIsRefused() {
    InvalidPlanException e = yamlFails(CONFIG_MAP + "---\njust some text\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 2 (counting from 1), line 6")
        .contains("expected a mapping")
        .contains("plain value");
  }

  @Test
  void documentThatIsASequenceIsRefusedWithAHintAboutLists() {
    InvalidPlanException e = yamlFails("- apiVersion: v1\n  kind: ConfigMap\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 1 (counting from 1), line 1")
        .contains("a sequence")
        .contains("kind: List");
  }

  @Test
  void missingApiVersionIsRefused() {
    InvalidPlanException e =
        yamlFails(CONFIG_MAP + "---\n# comment\nkind: ConfigMap\nmetadata:\n  name: x\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 2 (counting from 1), line 7")
        .contains("missing 'apiVersion'");
  }

  @Test
  void missingKindIsRefused() {
    InvalidPlanException e = yamlFails("apiVersion: v1\nmetadata:\n  name: x\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 1 (counting from 1), line 1")
        .contains("missing 'kind'");
  }

  @Test
  void missingMetadataNameIsRefused() {
    InvalidPlanException e =
        yamlFails("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 1 (counting from 1), line 4")
        .contains("missing 'metadata.name'");
  }

  @Test
  void missingMetadataIsRefused() {
    InvalidPlanException e = yamlFails("apiVersion: v1\nkind: ConfigMap\ndata: {}\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 1 (counting from 1), line 1")
        .contains("missing 'metadata.name'");
  }

  @Test
  void generateNameWithoutNameIsRefusedWithTheReason() {
    InvalidPlanException e =
        yamlFails("apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 1 (counting from 1), line 4")
        .contains("generateName")
        .contains("fixed names")
        .contains("converges");
  }

  @Test
  void nonStringNameAndKindAreRefused() {
    InvalidPlanException e =
        yamlFails("apiVersion: v1\nkind: [ConfigMap]\nmetadata:\n  name: 123\n");

    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("document 1 (counting from 1), line 2")
                    .contains("'kind' must be a string"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("document 1 (counting from 1), line 4")
                    .contains("'metadata.name' must be a string"));
  }

  @Test
  void badListItemsNameTheItem() {
    InvalidPlanException e =
        yamlFails(
            "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n"
                + "    metadata:\n      name: ok\n  - kind: ConfigMap\n    metadata:\n      name: x\n"
                + "  - plain\n");

    assertThat(e.problems())
        .containsExactly(
            "bad.yaml, document 1, item 2 (counting from 1), line 8: missing 'apiVersion'; every"
                + " Kubernetes object needs one (e.g. 'apiVersion: apps/v1')",
            "bad.yaml, document 1, item 3 (counting from 1), line 11: expected a mapping (a"
                + " Kubernetes object) in 'items' but found a plain value");
  }

  @Test
  void fieldOfTheWrongTypeNamesTheObjectAndDocument() {
    InvalidPlanException e =
        yamlFails(
            CONFIG_MAP
                + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n"
                + "  replicas: many\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 2 (counting from 1), line 11")
        .contains("cannot be read as apps/v1 Deployment, field 'spec.replicas'");
  }

  @Test
  void secretConversionErrorsDoNotShowValues() {
    InvalidPlanException e =
        yamlFails(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nimmutable: top-secret-value\n");

    assertThat(e.getMessage())
        .contains("bad.yaml, document 1 (counting from 1), line 5")
        .contains("field 'immutable'")
        .doesNotContain("top-secret-value");
  }

  @Test
  void duplicateKeysAreRefused() {
    InvalidPlanException e =
        yamlFails("apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: x\n");

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("bad.yaml, document 1 (counting from 1), line ")
        .contains("duplicate key");
  }

  @Test
  void collectsEveryProblemOfASourceNotOnlyTheFirst() {
    InvalidPlanException e =
        yamlFails(
            "kind: ConfigMap\nmetadata:\n  name: a\n---\n"
                + CONFIG_MAP
                + "---\napiVersion: v1\nmetadata:\n  name: b\n---\n42\n---\n"
                + "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n");

    assertThat(e.problems()).hasSize(4);
    assertThat(e.problems().get(0)).startsWith("bad.yaml, document 1 (");
    assertThat(e.problems().get(1)).startsWith("bad.yaml, document 3 (");
    assertThat(e.problems().get(2)).startsWith("bad.yaml, document 4 (");
    assertThat(e.problems().get(3)).startsWith("bad.yaml, document 5 (");
    assertThat(e.getMessage()).contains("4 problems").contains("YAML text bad.yaml");
  }

  @Test
  void brokenJsonNamesTheFileAndLine(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("app.json");
    Files.writeString(
        json, "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\"\n  \"metadata\": {}\n}\n");

    InvalidPlanException e = loadFails(ManifestSource.file(json));

    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith(json + ", document 1 (counting from 1), line 4")
        .contains("malformed YAML");
  }

  @Test
  void missingFileIsNamedWithItsPathAsGiven() {
    Path missing = Path.of("no-such-dir", "api.yaml");

    InvalidPlanException e = loadFails(ManifestSource.file(missing));

    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith(missing + ": file does not exist")
        .contains(missing.toAbsolutePath().toString());
  }

  @Test
  void unreadableFileIsReported(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("secret.yaml");
    Files.writeString(file, CONFIG_MAP);
    boolean changed = file.toFile().setReadable(false, false);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        changed && !Files.isReadable(file),
        "file permissions cannot make a file unreadable here (e.g. running as root)");

    InvalidPlanException e = loadFails(ManifestSource.file(file));

    assertThat(e.problems()).singleElement().asString().startsWith(file + ": file is not readable");
  }

  @Test
  void aDirectoryGivenAsFileIsRefusedWithAHint(@TempDir Path dir) {
    InvalidPlanException e = loadFails(ManifestSource.file(dir));

    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith(dir + ": is a directory")
        .contains("ManifestSource.directory");
  }

  @Test
  void aFileWithoutObjectsIsRefused(@TempDir Path dir) throws IOException {
    Path empty = dir.resolve("empty.yaml");
    Files.writeString(empty, "# nothing yet\n---\n---\n");

    InvalidPlanException e = loadFails(ManifestSource.file(empty));

    assertThat(e.getMessage())
        .contains(empty.toString())
        .contains("contains no Kubernetes objects");
  }

  @Test
  void invalidUtf8IsReported(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(
        file,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\u00e9\n"
            .getBytes(StandardCharsets.ISO_8859_1));

    InvalidPlanException e = loadFails(ManifestSource.file(file));

    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith(file + ", document 1 (counting from 1)")
        .contains("not valid UTF-8");
  }

  @Test
  void aBlankNameForYamlTextIsRefused() {
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class, () -> ManifestSource.yaml(" ", "")))
        .hasMessageContaining("non-blank name");
  }
}
