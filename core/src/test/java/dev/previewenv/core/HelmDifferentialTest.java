package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.testing.HelmBinary;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * PreviewEnv's plan of a Helm chart against {@code helm template} run by hand plus the plan's
 * transformations done by hand on the raw YAML: hooks and test pods dropped, namespace set, the
 * image replaced, ingress hosts rewritten with the external-dns annotation, the two labels added.
 * Any other difference (a field lost or reordered into another meaning by parsing, a value typed
 * differently) fails.
 */
class HelmDifferentialTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String ENV = "pr-42";

  @Test
  void planEqualsHelmTemplatePlusTheSameTransformationsByHand() throws Exception {
    Path helm = HelmBinary.require();
    Path chart = HelmBinary.shopChart();
    Path values = chart.resolve("values-preview.yaml");

    Plan plan =
        Plan.builder(EnvironmentName.of(ENV))
            .kubeVersion("v1.20.2")
            .image("previewenv/busybox=registry.example.com/tools/busybox:1.36")
            .source(
                ManifestSource.helm(
                    HelmChart.of(chart)
                        .withHelm(Helm.binary(helm))
                        .withValues(values)
                        .withSet("replicas", "2")))
            .build();

    Process p =
        new ProcessBuilder(
                helm.toString(),
                "template",
                "shop",
                chart.toString(),
                "--namespace",
                ENV,
                "--kube-version",
                "v1.20.2",
                "--values",
                values.toString(),
                "--set",
                "replicas=2")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String raw = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();

    Map<String, Object> expected = new TreeMap<>();
    int hooks = 0;
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(raw)) {
      if (doc == null) {
        continue;
      }
      Map<String, Object> o = map(doc);
      Map<String, Object> metadata = map(o.get("metadata"));
      if (metadata.get("annotations") instanceof Map<?, ?> a && a.containsKey("helm.sh/hook")) {
        hooks++;
        continue;
      }
      metadata.putIfAbsent("namespace", ENV);
      Map<String, Object> labels =
          metadata.get("labels") == null ? new LinkedHashMap<>() : map(metadata.get("labels"));
      labels.put("app.kubernetes.io/managed-by", "previewenv");
      labels.put("previewenv.dev/environment", ENV);
      metadata.put("labels", labels);
      Map<String, Object> spec = map(o.get("spec"));
      if (o.get("kind").equals("Deployment")) {
        for (Object c : list(map(map(spec.get("template")).get("spec")).get("containers"))) {
          assertThat(map(c).get("image")).isEqualTo("previewenv/busybox:1");
          map(c).put("image", "registry.example.com/tools/busybox:1.36");
        }
      }
      if (o.get("kind").equals("Ingress")) {
        List<String> hosts = new ArrayList<>();
        for (Object r : list(spec.get("rules"))) {
          String host = ENV + "." + map(r).get("host");
          map(r).put("host", host);
          hosts.add(host);
        }
        for (Object t : list(spec.get("tls"))) {
          List<Object> rewritten = new ArrayList<>();
          for (Object h : list(map(t).get("hosts"))) {
            rewritten.add(ENV + "." + h);
          }
          map(t).put("hosts", rewritten);
        }
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put("external-dns.alpha.kubernetes.io/hostname", String.join(",", hosts));
        metadata.put("annotations", annotations);
      }
      expected.put(o.get("kind") + "/" + metadata.get("name"), o);
    }
    assertThat(hooks).as("the chart's migration job and test pod").isEqualTo(2);

    Map<String, Object> actual = new TreeMap<>();
    for (HasMetadata o : plan.objects()) {
      Object tree =
          new Load(LoadSettings.builder().build()).loadFromString(SERIALIZATION.asYaml(o));
      actual.put(o.getKind() + "/" + o.getMetadata().getName(), tree);
    }
    assertThat(actual).isEqualTo(expected);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static List<?> list(Object o) {
    return o == null ? List.of() : (List<?>) o;
  }
}
