package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Helm output pre-rendered into plain files keeps its hooks recognisable: they are left out. */
class PreRenderedHelmHooksTest {
  @Test
  void hooksInPlainManifestsAreLeftOutAndNamed() {
    Plan plan =
        Plan.builder(EnvironmentName.of("pr-5"))
            .source(
                ManifestSource.yaml(
                    "rendered.yaml",
                    """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: settings}
                    ---
                    apiVersion: batch/v1
                    kind: Job
                    metadata:
                      name: migrate
                      annotations: {helm.sh/hook: "post-install"}
                    spec:
                      template:
                        spec:
                          restartPolicy: Never
                          containers: [{name: m, image: busybox}]
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: smoke
                      annotations: {helm.sh/hook: test-success}
                    spec:
                      containers: [{name: t, image: busybox}]
                    """))
            .build();

    assertThat(plan.objects())
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("settings");
    assertThat(plan.warnings())
        .hasSize(2)
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("rendered.yaml: left out")
                    .contains("Helm hook Job/migrate (helm.sh/hook: post-install)")
                    .contains("remove the helm.sh/hook annotation"))
        .anySatisfy(w -> assertThat(w).contains("Pod/smoke").contains("'helm test' hook"));
  }
}
