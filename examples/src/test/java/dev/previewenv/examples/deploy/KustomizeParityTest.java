package dev.previewenv.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Renders {@code deploy/overlays/preview} and {@code deploy/overlays/production} with kustomize and
 * checks parity: the same objects, and every field equal except the fields one of the overlays
 * states (its JSON 6902 patches and its {@code images}).
 */
class KustomizeParityTest {

  private static final Path DEPLOY = Path.of("deploy");
  private static final String CONTAINER_IMAGE = "/spec/template/spec/containers/*/image";

  private static List<String> kustomize;
  private static Map<String, Map<String, Object>> preview;
  private static Map<String, Map<String, Object>> production;

  @BeforeAll
  static void render() throws Exception {
    kustomize = kustomizeCommand().orElse(null);
    Assumptions.assumeTrue(
        kustomize != null,
        "neither kustomize nor kubectl is on the PATH; install kubectl (it embeds kustomize) to"
            + " check the overlays' parity");
    preview = render(DEPLOY.resolve("overlays/preview"));
    production = render(DEPLOY.resolve("overlays/production"));
  }

  @Test
  void bothOverlaysRenderTheSameObjects() {
    assertThat(preview.keySet())
        .containsExactlyInAnyOrderElementsOf(production.keySet())
        .contains(
            "Deployment/catalog",
            "Deployment/orders",
            "Deployment/admin",
            "Service/catalog",
            "Service/orders",
            "Service/admin",
            "Ingress/catalog",
            "Ingress/orders",
            "Ingress/admin",
            "ConfigMap/shop-config");
  }

  @Test
  void overlaysDifferOnlyInWhatTheyState() throws IOException {
    Map<String, Set<String>> stated = statedPaths(DEPLOY.resolve("overlays/preview"));
    statedPaths(DEPLOY.resolve("overlays/production"))
        .forEach((kind, paths) -> stated.computeIfAbsent(kind, k -> new TreeSet<>()).addAll(paths));

    List<String> unstated = unstatedDifferences(preview, production, stated);

    assertThat(unstated).as("differences no overlay states").isEmpty();
    assertThat(stated.get("Deployment"))
        .contains("/spec/replicas", "/spec/template/spec/containers/0/resources", CONTAINER_IMAGE);
  }

  @Test
  void parityCheckCatchesAnUnstatedDifference(@TempDir Path dir) throws Exception {
    // A copy of the preview overlay whose base drifted: a probe path changed outside any patch.
    Path base = dir.resolve("base");
    copyDir(DEPLOY.resolve("base"), base);
    Path orders = base.resolve("orders.yaml");
    Files.writeString(
        orders,
        Files.readString(orders).replaceFirst("path: /health", "path: /healthz"),
        StandardCharsets.UTF_8);
    Path overlay = dir.resolve("overlays/preview");
    copyDir(DEPLOY.resolve("overlays/preview"), overlay);

    Map<String, Map<String, Object>> drifted = render(overlay);
    List<String> unstated =
        unstatedDifferences(drifted, production, statedPaths(DEPLOY.resolve("overlays/preview")));

    assertThat(unstated)
        .containsExactly(
            "Deployment/orders /spec/template/spec/containers/0/readinessProbe/httpGet/path");
  }

  @Test
  void containersPortsAndProbesAreTheSameInBothOverlays() {
    for (String name : List.of("catalog", "orders", "admin")) {
      Map<String, Object> p = container(preview.get("Deployment/" + name));
      Map<String, Object> q = container(production.get("Deployment/" + name));
      for (String field :
          List.of("name", "ports", "env", "envFrom", "readinessProbe", "livenessProbe")) {
        assertThat(p.get(field)).as(name + " " + field).isNotNull().isEqualTo(q.get(field));
      }
      assertThat(spec(preview.get("Service/" + name)))
          .isEqualTo(spec(production.get("Service/" + name)));
    }
  }

  @Test
  void previewRunsOneReplicaAndPullsWhileOnlyTheLocalImagesOverlayNeverPulls() throws Exception {
    Map<String, Map<String, Object>> local = render(DEPLOY.resolve("overlays/local-images"));
    for (String name : List.of("catalog", "orders", "admin")) {
      Map<String, Object> deployment = preview.get("Deployment/" + name);
      assertThat(spec(deployment).get("replicas")).isEqualTo(1);
      Map<String, Object> c = container(deployment);
      assertThat(c.get("image")).isEqualTo("previewenv-examples/" + name + ":local");
      assertThat(c.get("imagePullPolicy"))
          .as("no overlay a registry-backed cluster uses may force Never")
          .isEqualTo("IfNotPresent");
      assertThat(container(production.get("Deployment/" + name)).get("imagePullPolicy"))
          .isEqualTo("IfNotPresent");
      Map<String, Object> localContainer = container(local.get("Deployment/" + name));
      assertThat(localContainer.get("imagePullPolicy")).isEqualTo("Never");
      assertThat(localContainer.get("image")).isEqualTo(c.get("image"));
    }
  }

  @Test
  void probesCheckHealthAndIngressesCarryHostsAndExternalDns() {
    for (String name : List.of("catalog", "orders", "admin")) {
      Map<String, Object> c = container(preview.get("Deployment/" + name));
      assertThat(at(c, "readinessProbe", "httpGet", "path")).isEqualTo("/health");
      assertThat(at(c, "livenessProbe", "httpGet", "path")).isEqualTo("/health");
      Map<String, Object> ingress = preview.get("Ingress/" + name);
      assertThat(at(ingress, "metadata", "annotations"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("external-dns.alpha.kubernetes.io/hostname", name + ".example.com");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rules = (List<Map<String, Object>>) spec(ingress).get("rules");
      assertThat(rules).extracting(r -> r.get("host")).containsExactly(name + ".example.com");
    }
  }

  @Test
  void adminIngressSendsEveryRequestThroughOAuth2Proxy() {
    for (Map<String, Map<String, Object>> rendered : List.of(preview, production)) {
      assertThat(at(rendered.get("Ingress/admin"), "metadata", "annotations"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry(
              "nginx.ingress.kubernetes.io/auth-url", "https://auth.example.com/oauth2/auth")
          .containsEntry(
              "nginx.ingress.kubernetes.io/auth-signin",
              "https://auth.example.com/oauth2/start?rd=$scheme://$host$request_uri");
    }
  }

  // ---- rendering ----

  private static Optional<List<String>> kustomizeCommand() {
    String path = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin");
    Optional<Path> kustomizeBin = findOnPath(path, "kustomize");
    if (kustomizeBin.isPresent()) {
      return Optional.of(List.of(kustomizeBin.get().toString(), "build"));
    }
    return findOnPath(path, "kubectl").map(k -> List.of(k.toString(), "kustomize"));
  }

  private static Optional<Path> findOnPath(String path, String name) {
    return Stream.of(path.split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static Map<String, Map<String, Object>> render(Path overlay) throws Exception {
    List<String> command = new ArrayList<>(kustomize);
    command.add(overlay.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kustomize finished").isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + " failed:\n" + output).isZero();
    Map<String, Map<String, Object>> objects = new TreeMap<>();
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(output)) {
      if (doc instanceof Map<?, ?>) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) doc;
        objects.put(object.get("kind") + "/" + at(object, "metadata", "name"), object);
      }
    }
    return objects;
  }

  /**
   * Per kind, the JSON pointers an overlay states (patch paths; image fields when it sets images).
   */
  private static Map<String, Set<String>> statedPaths(Path overlay) throws IOException {
    Load load = new Load(LoadSettings.builder().build());
    Map<String, Object> kustomization =
        asMap(load.loadFromString(Files.readString(overlay.resolve("kustomization.yaml"))));
    Map<String, Set<String>> stated = new TreeMap<>();
    for (Object patchEntry : asList(kustomization.getOrDefault("patches", List.of()))) {
      Map<String, Object> patch = asMap(patchEntry);
      String kind = String.valueOf(at(patch, "target", "kind"));
      Object ops =
          load.loadFromString(Files.readString(overlay.resolve((String) patch.get("path"))));
      for (Object op : asList(ops)) {
        stated.computeIfAbsent(kind, k -> new TreeSet<>()).add((String) asMap(op).get("path"));
      }
    }
    if (!asList(kustomization.getOrDefault("images", List.of())).isEmpty()) {
      stated.computeIfAbsent("Deployment", k -> new TreeSet<>()).add(CONTAINER_IMAGE);
    }
    return stated;
  }

  private static List<String> unstatedDifferences(
      Map<String, Map<String, Object>> a,
      Map<String, Map<String, Object>> b,
      Map<String, Set<String>> stated) {
    List<String> unstated = new ArrayList<>();
    for (String key : a.keySet()) {
      if (!b.containsKey(key)) {
        unstated.add(key + " (only in one overlay)");
        continue;
      }
      String kind = key.substring(0, key.indexOf('/'));
      List<String> differences = new ArrayList<>();
      diff("", a.get(key), b.get(key), differences);
      for (String path : differences) {
        boolean covered =
            stated.getOrDefault(kind, Set.of()).stream().anyMatch(s -> covers(s, path));
        if (!covered) {
          unstated.add(key + " " + path);
        }
      }
    }
    return unstated;
  }

  private static boolean covers(String stated, String path) {
    String[] s = stated.split("/");
    String[] p = path.split("/");
    if (p.length < s.length) {
      return false;
    }
    for (int i = 0; i < s.length; i++) {
      if (!s[i].equals("*") && !s[i].equals(p[i])) {
        return false;
      }
    }
    return true;
  }

  private static void diff(String path, Object a, Object b, List<String> out) {
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      Set<String> keys = new TreeSet<>();
      ma.keySet().forEach(k -> keys.add(String.valueOf(k)));
      mb.keySet().forEach(k -> keys.add(String.valueOf(k)));
      for (String k : keys) {
        diff(path + "/" + k, ma.get(k), mb.get(k), out);
      }
    } else if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
      for (int i = 0; i < la.size(); i++) {
        diff(path + "/" + i, la.get(i), lb.get(i), out);
      }
    } else if (!Objects.equals(a, b)) {
      out.add(path);
    }
  }

  // ---- small helpers ----

  private static Map<String, Object> spec(Map<String, Object> object) {
    return asMap(object.get("spec"));
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    return asMap(asList(at(deployment, "spec", "template", "spec", "containers")).get(0));
  }

  private static Object at(Map<String, Object> object, String... keys) {
    Object current = object;
    for (String key : keys) {
      current = current == null ? null : asMap(current).get(key);
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return o == null ? new LinkedHashMap<>() : (Map<String, Object>) o;
  }

  private static List<?> asList(Object o) {
    return (List<?>) o;
  }

  private static void copyDir(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
