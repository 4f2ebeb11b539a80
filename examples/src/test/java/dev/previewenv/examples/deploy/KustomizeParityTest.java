package dev.previewenv.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
 * states (its JSON 6902 patches and its {@code images}). The admin tool's OAuth2 Proxy annotations
 * are such a field: production states them, a preview gets the same ones from PreviewEnv's
 * protection setting (checked here on the plan PreviewEnv makes of the preview overlay).
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
            "Deployment/web",
            "Deployment/catalog",
            "Deployment/orders",
            "Deployment/admin",
            "Service/web",
            "Service/catalog",
            "Service/orders",
            "Service/admin",
            "Ingress/web",
            "Ingress/catalog",
            "Ingress/orders",
            "Ingress/admin",
            "ConfigMap/shop-config",
            "StatefulSet/postgres",
            "StatefulSet/redis",
            "Service/postgres",
            "Service/redis",
            "Job/seed-shop",
            "ConfigMap/seed-sql");
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
    assertThat(stated.get("Ingress"))
        .as("production states the admin tool's protection")
        .containsExactlyInAnyOrder(
            "/metadata/annotations/nginx.ingress.kubernetes.io~1auth-url",
            "/metadata/annotations/nginx.ingress.kubernetes.io~1auth-signin",
            "/metadata/annotations/nginx.ingress.kubernetes.io~1auth-response-headers");
  }

  @Test
  void parityCheckCatchesAnUnstatedDifference(@TempDir Path dir) throws Exception {
    // A copy of the preview overlay whose base drifted: a probe path changed outside any patch.
    Path base = dir.resolve("base");
    copyDir(DEPLOY.resolve("base"), base);
    copyDir(DEPLOY.resolve("datastores"), dir.resolve("datastores"));
    Path orders = base.resolve("orders.yaml");
    Files.writeString(
        orders,
        Files.readString(orders).replaceFirst("path: /ready", "path: /readyz"),
        StandardCharsets.UTF_8);
    Path overlay = dir.resolve("overlays/preview");
    copyDir(DEPLOY.resolve("overlays/preview"), overlay);

    Map<String, Map<String, Object>> drifted = render(overlay);
    Map<String, Set<String>> stated = statedPaths(DEPLOY.resolve("overlays/preview"));
    List<String> unstated = unstatedDifferences(drifted, production, stated);

    // what only the preview overlay states leaves production's stated protection unstated too
    assertThat(unstated)
        .containsExactly(
            "Deployment/orders /spec/template/spec/containers/0/readinessProbe/httpGet/path",
            "Ingress/admin /metadata/annotations/nginx.ingress.kubernetes.io~1auth-response-headers",
            "Ingress/admin /metadata/annotations/nginx.ingress.kubernetes.io~1auth-signin",
            "Ingress/admin /metadata/annotations/nginx.ingress.kubernetes.io~1auth-url");

    statedPaths(DEPLOY.resolve("overlays/production"))
        .forEach((kind, paths) -> stated.computeIfAbsent(kind, k -> new TreeSet<>()).addAll(paths));
    assertThat(unstatedDifferences(drifted, production, stated))
        .containsExactly(
            "Deployment/orders /spec/template/spec/containers/0/readinessProbe/httpGet/path");
  }

  @Test
  void containersPortsAndProbesAreTheSameInBothOverlays() {
    for (String name : List.of("web", "catalog", "orders", "admin")) {
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
    for (String name : List.of("web", "catalog", "orders", "admin")) {
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
    Map<String, String> readiness =
        Map.of("web", "/health", "catalog", "/ready", "orders", "/ready", "admin", "/health");
    Map<String, String> hosts =
        Map.of(
            "web", "shop.example.com",
            "catalog", "catalog.example.com",
            "orders", "orders.example.com",
            "admin", "admin.example.com");
    for (String name : List.of("web", "catalog", "orders", "admin")) {
      Map<String, Object> c = container(preview.get("Deployment/" + name));
      assertThat(at(c, "readinessProbe", "httpGet", "path"))
          .as(name + ": ready only once its data stores answer")
          .isEqualTo(readiness.get(name));
      assertThat(at(c, "livenessProbe", "httpGet", "path")).isEqualTo("/health");
      Map<String, Object> ingress = preview.get("Ingress/" + name);
      assertThat(at(ingress, "metadata", "annotations"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("external-dns.alpha.kubernetes.io/hostname", hosts.get(name));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rules = (List<Map<String, Object>>) spec(ingress).get("rules");
      assertThat(rules).extracting(r -> r.get("host")).containsExactly(hosts.get(name));
    }
  }

  @Test
  void everyCredentialComesFromSecretShopDbAndTheSeedWaitsForPostgres() {
    List<String> credentials = new ArrayList<>();
    for (Map<String, Object> object : preview.values()) {
      Object template = at(object, "spec", "template", "spec", "containers");
      if (!(template instanceof List<?> containers)) {
        continue;
      }
      for (Object c : containers) {
        Object env = asMap(c).get("env");
        if (!(env instanceof List<?> vars)) {
          continue;
        }
        for (Object v : vars) {
          Map<String, Object> var = asMap(v);
          String name = String.valueOf(var.get("name"));
          if (name.contains("PASSWORD") || name.equals("DB_USER") || name.equals("PGUSER")) {
            assertThat(var).as(object.get("kind") + " " + name).doesNotContainKey("value");
            assertThat(at(var, "valueFrom", "secretKeyRef", "name"))
                .as(object.get("kind") + "/" + at(object, "metadata", "name") + " " + name)
                .isEqualTo("shop-db");
            credentials.add(at(object, "metadata", "name") + ":" + name);
          }
        }
      }
    }
    assertThat(credentials)
        .contains(
            "postgres:POSTGRES_PASSWORD",
            "redis:REDIS_PASSWORD",
            "seed-shop:PGPASSWORD",
            "orders:DB_PASSWORD",
            "orders:REDIS_PASSWORD",
            "catalog:DB_PASSWORD",
            "admin:DB_PASSWORD");
    assertThat(preview).doesNotContainKey("Secret/shop-db");
    assertThat(at(preview.get("Job/seed-shop"), "metadata", "annotations"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("previewenv.dev/phase", "seed")
        .containsEntry("previewenv.dev/seed-after", "StatefulSet/postgres");
  }

  @Test
  void productionStatesTheAdminProtectionAndThePreviewLeavesItToPreviewEnv() {
    assertThat(authAnnotations(production.get("Ingress/admin")))
        .as("production's admin ingress, from overlays/production/admin-protection.yaml")
        .containsEntry(AUTH_URL, "https://auth.example.com/oauth2/auth")
        .containsEntry(
            AUTH_SIGNIN, "https://auth.example.com/oauth2/start?rd=$scheme://$host$request_uri")
        .containsEntry(AUTH_RESPONSE_HEADERS, "X-Auth-Request-User,X-Auth-Request-Email");
    for (Map<String, Object> ingress : preview.values()) {
      assertThat(authAnnotations(ingress))
          .as(
              ingress.get("kind")
                  + "/"
                  + at(ingress, "metadata", "name")
                  + " of the preview overlay: no auth annotations in the manifests, so a preview"
                  + " is protected only when PreviewEnv protects it")
          .isEmpty();
    }
  }

  @Test
  void previewEnvProtectsThePreviewsAdminIngressExactlyAsProductionDoes() throws Exception {
    Map<String, Object> productionAdmin = production.get("Ingress/admin");
    String authUrl = authAnnotations(productionAdmin).get(AUTH_URL);
    String authHost = java.net.URI.create(authUrl).getHost();

    Plan plan =
        Plan.builder(EnvironmentName.forBranch("feature/parity"))
            .source(
                ManifestSource.yaml(
                    "overlays/preview", renderText(DEPLOY.resolve("overlays/preview"))))
            .protect("admin")
            .authHost(authHost)
            .build();
    HasMetadata admin =
        plan.objects().stream()
            .filter(o -> o.getKind().equals("Ingress") && o.getMetadata().getName().equals("admin"))
            .findFirst()
            .orElseThrow();

    assertThat(authOf(admin.getMetadata().getAnnotations()))
        .as("what PreviewEnv writes for a preview equals what production states")
        .isEqualTo(authAnnotations(productionAdmin))
        .hasSize(3);
    assertThat(plan.objects())
        .filteredOn(
            o -> o.getKind().equals("Ingress") && !o.getMetadata().getName().equals("admin"))
        .as("only the admin ingress is protected")
        .allSatisfy(i -> assertThat(authOf(i.getMetadata().getAnnotations())).isEmpty());
  }

  private static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";
  private static final String AUTH_SIGNIN = "nginx.ingress.kubernetes.io/auth-signin";
  private static final String AUTH_RESPONSE_HEADERS =
      "nginx.ingress.kubernetes.io/auth-response-headers";

  private static Map<String, String> authAnnotations(Map<String, Object> object) {
    Map<String, String> annotations = new TreeMap<>();
    asMap(at(object, "metadata", "annotations"))
        .forEach((k, v) -> annotations.put(k, String.valueOf(v)));
    return authOf(annotations);
  }

  private static Map<String, String> authOf(Map<String, String> annotations) {
    Map<String, String> auth = new TreeMap<>();
    if (annotations != null) {
      annotations.forEach(
          (k, v) -> {
            if (k.startsWith("nginx.ingress.kubernetes.io/auth-")) {
              auth.put(k, v);
            }
          });
    }
    return auth;
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

  private static String renderText(Path overlay) throws Exception {
    List<String> command = new ArrayList<>(kustomize);
    command.add(overlay.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kustomize finished").isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + " failed:\n" + output).isZero();
    return output;
  }

  private static Map<String, Map<String, Object>> render(Path overlay) throws Exception {
    String output = renderText(overlay);
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
        // JSON pointer escaping, as patches write keys such as
        // nginx.ingress.kubernetes.io~1auth-url
        String segment = k.replace("~", "~0").replace("/", "~1");
        diff(path + "/" + segment, ma.get(k), mb.get(k), out);
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
