package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.testing.HelmBinary;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Helm charts as a manifest source, rendered by a real helm (skipped where none is found). */
class HelmSourceTest {
  private static Path helm;
  private static Path chart;
  private static final EnvironmentName ENV = EnvironmentName.of("pr-7");

  @BeforeAll
  static void findHelm() {
    helm = HelmBinary.require();
    chart = HelmBinary.shopChart();
  }

  private static HelmChart shop() {
    return HelmChart.of(chart).withHelm(Helm.binary(helm));
  }

  @Test
  void rendersTheChartIntoTheEnvironmentsNamespaceWithValuesAndKubeVersion() {
    Plan plan =
        Plan.builder(ENV)
            .kubeVersion("v1.20.2")
            .source(
                ManifestSource.helm(
                    shop()
                        .withValues(chart.resolve("values-preview.yaml"))
                        .withSet("replicas", "3")
                        .withSetString("greeting", "hi, there")))
            .build();

    Deployment d = find(plan.objects(), Deployment.class, "shop-api");
    assertThat(d.getMetadata().getNamespace()).isEqualTo("pr-7");
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("previewenv/busybox:1");
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2))
        .startsWith("echo hi, there >");
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("kube-version", "v1.20.2");
    assertThat(plan.routes()).extracting(Route::host).containsExactly("pr-7.api.shop.example.com");
    assertThat(plan.routes().get(0).tls()).isTrue();
  }

  @Test
  void leavesHooksAndTestPodsOutAndNamesThemInTheWarnings() {
    Plan plan = Plan.builder(ENV).source(ManifestSource.helm(shop())).build();

    assertThat(plan.objects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder("Service/shop-api", "Deployment/shop-api", "Ingress/shop-api");
    assertThat(plan.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("left out the Helm hook Job/shop-api-migrate")
                    .contains("pre-install,pre-upgrade")
                    .contains("HelmChart.Hooks.APPLY"))
        .anySatisfy(w -> assertThat(w).contains("Pod/shop-api-test").contains("'helm test' hook"));
  }

  @Test
  void appliesHooksAsOrdinaryObjectsWhenAskedButNeverTestPods() {
    Plan plan =
        Plan.builder(ENV)
            .source(ManifestSource.helm(shop().withHooks(HelmChart.Hooks.APPLY)))
            .build();

    assertThat(plan.objects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("Job/shop-api-migrate")
        .doesNotContain("Pod/shop-api-test");
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("hook order, weights"));
  }

  @Test
  void refusesHooksWhenConfiguredSo() {
    assertThatThrownBy(
            () ->
                Plan.builder(ENV)
                    .source(ManifestSource.helm(shop().withHooks(HelmChart.Hooks.REFUSE)))
                    .build())
        .isInstanceOf(InvalidPlanException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPlanException) e).problems())
                    .anySatisfy(p -> assertThat(p).contains("Job/shop-api-migrate")));
  }

  @Test
  void aFailedRenderQuotesHelmAndNeverShowsSetValues(@TempDir Path tmp) throws IOException {
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), "image: [unclosed\n");
    assertThatThrownBy(
            () ->
                ManifestSource.helm(
                        shop().withValues(bad).withSet("db.password", "canary-s3cret-4711"))
                    .load())
        .isInstanceOf(InvalidPlanException.class)
        .satisfies(
            e -> {
              String all = e.getMessage() + ((InvalidPlanException) e).problems();
              assertThat(all).contains("failed with exit code").contains("bad.yaml");
              assertThat(all).contains("--set db.password=<hidden>");
              assertThat(all).doesNotContain("canary-s3cret-4711");
            });
  }

  @Test
  void helmsStandardErrorQuotingASetValueIsScrubbed(@TempDir Path tmp) throws IOException {
    Path chart = Files.createDirectories(tmp.resolve("quoting/templates"));
    Files.writeString(
        tmp.resolve("quoting/Chart.yaml"), "apiVersion: v2\nname: quoting\nversion: 0.1.0\n");
    Files.writeString(
        chart.resolve("fail.yaml"),
        "{{ fail (printf \"the password %s is refused\" .Values.db.password) }}\n");
    assertThatThrownBy(
            () ->
                ManifestSource.helm(
                        HelmChart.of(tmp.resolve("quoting"))
                            .withHelm(shop().helm())
                            .withSet("db.password", "canary-quoted-5823"))
                    .load())
        .isInstanceOf(InvalidPlanException.class)
        .satisfies(
            e -> {
              String all = e.getMessage() + ((InvalidPlanException) e).problems();
              assertThat(all).contains("the password <redacted> is refused");
              assertThat(all).doesNotContain("canary-quoted-5823");
            });
  }

  @Test
  void missingChartAndValuesFilesAreNamedBeforeHelmRuns(@TempDir Path tmp) {
    assertThatThrownBy(
            () ->
                ManifestSource.helm(
                        HelmChart.of(tmp.resolve("nope"))
                            .withValues(tmp.resolve("missing.yaml"))
                            .withHelm(Helm.binary(tmp.resolve("no-helm"))))
                    .load())
        .isInstanceOf(InvalidPlanException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPlanException) e).problems())
                    .anySatisfy(p -> assertThat(p).contains("nope: chart does not exist"))
                    .anySatisfy(p -> assertThat(p).contains("missing.yaml: values file")));
  }

  @Test
  void noHelmSaysHowToInstallOrPreRender(@TempDir Path tmp) {
    assertThatThrownBy(
            () ->
                ManifestSource.helm(HelmChart.of(chart).withHelm(Helm.binary(tmp.resolve("helm"))))
                    .load())
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("Install Helm 3 or 4")
        .hasMessageContaining(Helm.ENVIRONMENT_VARIABLE)
        .hasMessageContaining("helm template shop " + chart);
  }

  @Test
  void aPackagedChartRendersLikeItsDirectory(@TempDir Path tmp) throws Exception {
    Process p =
        new ProcessBuilder(helm.toString(), "package", chart.toString(), "-d", tmp.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    Path tgz = tmp.resolve("shop-0.3.0.tgz");
    HelmChart packaged = HelmChart.of(tgz).withHelm(Helm.binary(helm));
    assertThat(packaged.release()).isEqualTo("shop");

    assertThat(ManifestSource.helm(packaged).load())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyElementsOf(
            ManifestSource.helm(shop()).load().stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                .toList());
  }

  @Test
  void oneLineSpecificationsCarryReleaseValuesAndSetValues() {
    String spec =
        "helm:shop;release=web;values=shop/values-preview.yaml;set=replicas=2;hooks=apply";
    System.setProperty(Helm.PROPERTY, helm.toString());
    try {
      List<HasMetadata> objects = ManifestSource.parse(spec, chart.getParent()).load();
      Deployment d = find(objects, Deployment.class, "web-api");
      assertThat(d.getSpec().getReplicas()).isEqualTo(2);
      assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("previewenv/busybox:1");
      assertThat(objects).extracting(o -> o.getMetadata().getName()).contains("web-api-migrate");
    } finally {
      System.clearProperty(Helm.PROPERTY);
    }
  }

  @Test
  void kustomizeHelmChartsRunOnlyWhenAllowed(@TempDir Path tmp) throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        onPath("kustomize") || onPath("kubectl"),
        "neither kustomize nor kubectl on the PATH: kustomize's helmCharts cannot be rendered");
    Path dir = Files.createDirectories(tmp.resolve("overlay"));
    copyTree(chart, dir.resolve("charts/shop")); // kustomize reads files only below the overlay
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "helmCharts:\n"
            + "- name: shop\n"
            + "  releaseName: shop\n"
            + "  valuesFile: charts/shop/values-preview.yaml\n"
            + "helmGlobals:\n"
            + "  chartHome: charts\n");
    assertThatThrownBy(() -> ManifestSource.kustomize(dir).load())
        .isInstanceOf(InvalidPlanException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPlanException) e).problems())
                    .anySatisfy(p -> assertThat(p).contains("withHelm(Helm.auto())")));

    try {
      ManifestSource.kustomize(dir, Kustomize.auto().withHelm(Helm.binary(helm))).load();
      // a kustomize that accepts this helm renders, and there is nothing to hint
    } catch (InvalidPlanException e) {
      assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("work only with Helm 3"));
    }
    // kustomize 5.5 (kubectl 1.32) insists on Helm 3 ('helm version -c', then "requires helm V3"):
    // the shim answers that check and runs the real helm for the rest, so what is tested here is
    // PreviewEnv's part (--enable-helm, --helm-command, hooks left out, hosts rewritten).
    Path shim = tmp.resolve("helm-shim");
    Files.writeString(
        shim,
        "#!/bin/sh\n"
            + "if [ \"$1\" = version ]; then echo v3.99.0; exit 0; fi\n"
            + "exec '"
            + helm
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    // kustomize has no flag for the chart's namespace: .Release.Namespace is the helmCharts entry's
    // (here unset, so "default"), which the plan moves only when allowed to.
    Plan plan =
        Plan.builder(ENV)
            .overrideNamespace(true)
            .source(ManifestSource.kustomize(dir, Kustomize.auto().withHelm(Helm.binary(shim))))
            .build();
    assertThat(plan.objects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("Deployment/shop-api", "Ingress/shop-api")
        .doesNotContain("Job/shop-api-migrate", "Pod/shop-api-test");
    assertThat(
            find(plan.objects(), Ingress.class, "shop-api").getSpec().getRules().get(0).getHost())
        .isEqualTo("pr-7.api.shop.example.com");
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("Job/shop-api-migrate"));
  }

  private static boolean onPath(String name) {
    String path = System.getenv("PATH");
    return path != null
        && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
            .anyMatch(d -> !d.isBlank() && Files.isExecutable(Path.of(d, name)));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static <T extends HasMetadata> T find(
      List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + type.getSimpleName() + "/" + name + " in " + objects));
  }
}
