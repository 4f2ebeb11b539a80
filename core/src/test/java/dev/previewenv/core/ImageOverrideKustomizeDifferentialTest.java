package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.internal.transform.ImageTransform;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Image overrides compared with real kustomize: for each case, the resources and the overrides go
 * into a kustomization ({@code images:} entries made from the parsed {@link ImageOverride}), {@code
 * kustomize build} or {@code kubectl kustomize} renders it, and every {@code containers} and {@code
 * initContainers} image of our output must equal kustomize's. {@code ephemeralContainers} are left
 * out on purpose: kustomize does not rewrite them and we do (see {@link ImageTransform}).
 */
class ImageOverrideKustomizeDifferentialTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "0123456789abcdef".repeat(4);

  private static List<String> kustomize;

  @BeforeAll
  static void findKustomize() {
    Optional<Path> standalone = onPath("kustomize");
    if (standalone.isPresent()) {
      kustomize = List.of(standalone.get().toString(), "build");
      return;
    }
    Optional<Path> kubectl = onPath("kubectl");
    kubectl.ifPresent(k -> kustomize = List.of(k.toString(), "kustomize"));
  }

  private static Optional<Path> onPath(String binary) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, binary);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        c(
            "new name and tag",
            deployment("api:1.0"),
            "api=registry.example.com:5000/team/api:sha-1f2e"),
        c("tag only on untagged image", deployment("api"), "api:2.0"),
        c("new name and digest", deployment("api:1.0"), "api=registry.example.com/team/api@" + A),
        c("tag replaces tag and digest", deployment("api:1.0@" + A), "api:2.0"),
        c("digest replaces tag", deployment("api:1.0"), "api@" + B),
        c("digest replaces digest", deployment("api@" + A), "api@" + C),
        c("new name keeps tag", deployment("api:1.0"), "api=mirror.example.com/api"),
        c("new name keeps digest", deployment("api@" + A), "api=mirror.example.com/api"),
        c("new name keeps tag and digest", deployment("api:1.0@" + A), "api=mirror/api"),
        c("tag and digest together", deployment("api:1.0"), "api=reg:5000/api:2@" + B),
        c(
            "registry with port in name",
            deployment("registry.example.com:5000/team/api:1.0"),
            "registry.example.com:5000/team/api:2.0"),
        c(
            "untagged registry with port",
            deployment("registry.example.com:5000/team/api"),
            "registry.example.com:5000/team/api=mirror.example.com/x:3"),
        c(
            "nested path",
            deployment("gcr.io/org/sub/team/api:1"),
            "gcr.io/org/sub/team/api=reg.example.com/api:2"),
        c(
            "localhost registry",
            deployment("localhost:5000/api:dev"),
            "localhost:5000/api:v1.2.3_rc-1"),
        c("name is not a prefix", deployment("api-gateway:1", "api:1", "team/api:1"), "api:2"),
        c(
            "no docker.io normalisation",
            deployment("docker.io/library/nginx:1.25", "nginx:1.25", "library/nginx:1.25"),
            "nginx:1.27"),
        c(
            "initContainers",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  initContainers: [{name: migrate, image: "api:1"}, {name: wait, image: "busybox:1.36"}]
                  containers: [{name: web, image: "api:1"}]
            """,
            "api=reg.example.com/api:2",
            "busybox@" + A),
        c(
            "CronJob template",
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      initContainers: [{name: prep, image: "tools:1"}]
                      containers: [{name: job, image: "api:1"}]
            """,
            "api:2",
            "tools=reg:5000/tools@" + B),
        c(
            "Job template",
            """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: migrate}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: m, image: "registry.example.com:5000/team/migrate:1"}]
            """,
            "registry.example.com:5000/team/migrate:2"),
        c(
            "Pod",
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: debug}
            spec:
              initContainers: [{name: init, image: "api"}]
              containers: [{name: a, image: "api:1"}, {name: b, image: "sidecar:1"}, {name: c}]
            """,
            "api=reg/api:7",
            "sidecar:2"),
        c(
            "DaemonSet",
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  containers: [{name: agent, image: "agent:1.0@%s"}]
            """
                .formatted(A),
            "agent=reg.example.com/agent:1.1"),
        c(
            "StatefulSet",
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  initContainers: [{name: init, image: "postgres:16"}]
                  containers: [{name: db, image: "postgres:16"}]
            """,
            "postgres:16.4"),
        c(
            "custom resource with nested containers",
            """
            apiVersion: example.com/v1
            kind: Workflow
            metadata: {name: wf}
            spec:
              steps:
              - name: one
                template:
                  containers: [{name: s1, image: "api:1"}]
                  initContainers: [{name: s0, image: "api:1"}]
              - name: two
                pod:
                  spec:
                    containers: [{name: s2, image: "worker:3"}]
              image: "api:1"
            """,
            "api=reg/api:2",
            "worker@" + C),
        c(
            "several overrides at once",
            deployment("web:1", "api:1", "worker:1", "redis:7"),
            "web=reg/web:2",
            "api=reg/api@" + A,
            "worker:9"),
        c("chained overrides apply in order", deployment("old:1"), "old=mid:2", "mid=new"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rewritesImagesLikeKustomize(
      String description, String resources, List<String> overrides, @TempDir Path dir)
      throws Exception {
    Assumptions.assumeTrue(
        kustomize != null,
        "neither kustomize nor kubectl is on PATH, so there is no kustomize to compare with");
    List<ImageOverride> parsed = overrides.stream().map(ImageOverride::parse).toList();
    Files.writeString(dir.resolve("resources.yaml"), resources);
    Files.writeString(dir.resolve("kustomization.yaml"), kustomization(parsed));

    String rendered = run(dir);

    List<HasMetadata> input = new ArrayList<>();
    for (Map<String, Object> doc : documents(resources)) {
      input.add(SERIALIZATION.unmarshal(SERIALIZATION.asJson(doc)));
    }
    List<HasMetadata> ours = new ImageTransform(parsed, false).apply(input).objects();
    Map<String, String> ourImages = new TreeMap<>();
    for (HasMetadata o : ours) {
      collect(o.getKind() + "/" + o.getMetadata().getName(), toMap(o), ourImages);
    }
    Map<String, String> theirImages = new TreeMap<>();
    for (Map<String, Object> doc : documents(rendered)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = (Map<String, Object>) doc.get("metadata");
      collect(doc.get("kind") + "/" + metadata.get("name"), doc, theirImages);
    }
    assertThat(theirImages).as("kustomize's images").isNotEmpty();
    assertThat(ourImages).as(description).isEqualTo(theirImages);
  }

  private static Arguments c(String description, String resources, String... overrides) {
    return Arguments.of(description, resources, List.of(overrides));
  }

  private static String deployment(String... images) {
    StringBuilder containers = new StringBuilder();
    for (int i = 0; i < images.length; i++) {
      containers.append(i == 0 ? "" : ", ").append("{name: c").append(i).append(", image: \"");
      containers.append(images[i]).append("\"}");
    }
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        spec:
          selector: {matchLabels: {app: app}}
          template:
            metadata: {labels: {app: app}}
            spec:
              containers: [%s]
        """
        .formatted(containers);
  }

  private static String kustomization(List<ImageOverride> overrides) {
    StringBuilder sb = new StringBuilder("resources: [resources.yaml]\nimages:\n");
    for (ImageOverride o : overrides) {
      sb.append("- name: \"").append(o.name()).append("\"\n");
      o.newName().ifPresent(v -> sb.append("  newName: \"").append(v).append("\"\n"));
      o.newTag().ifPresent(v -> sb.append("  newTag: \"").append(v).append("\"\n"));
      o.digest().ifPresent(v -> sb.append("  digest: \"").append(v).append("\"\n"));
    }
    return sb.toString();
  }

  private static String run(Path dir) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(kustomize);
    command.add(dir.toString());
    Path err = dir.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(command)
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kustomize finished within 60 s").isTrue();
    assertThat(p.exitValue()).as("kustomize failed: " + Files.readString(err)).isZero();
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(String yaml) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
      if (doc instanceof Map<?, ?> m) {
        docs.add((Map<String, Object>) m);
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> toMap(HasMetadata o) {
    return SERIALIZATION.convertValue(o, Map.class);
  }

  /** Records path → image for every element of containers and initContainers lists. */
  private static void collect(String path, Object node, Map<String, String> images) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        boolean containerList = key.equals("containers") || key.equals("initContainers");
        if (containerList && e.getValue() instanceof List<?> list) {
          for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> c) {
              images.put(path + "." + key + "[" + i + "]", String.valueOf(c.get("image")));
            }
          }
        }
        collect(path + "." + key, e.getValue(), images);
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collect(path + "[" + i + "]", list.get(i), images);
      }
    }
  }
}
