package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.KubeTestServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's library example, compiled and run (against the in-process server + simulator). */
class ReadmeExampleTest {
  static final String STACK =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api}
      spec:
        selector: {matchLabels: {app: api}}
        template:
          metadata: {labels: {app: api}}
          spec:
            containers: [{name: api, image: registry.example.com/team/api:1.0}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: api}
      spec:
        selector: {app: api}
        ports: [{port: 80, targetPort: 8080}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: api}
      spec:
        rules:
        - host: api.example.com
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
      """;

  @Test
  void readmeExampleRuns() {
    try (KubeTestServer kube = new KubeTestServer();
        ControllerSimulator simulator = ControllerSimulator.start(kube)) {
      KubernetesClient client = kube.client();
      ManifestSource manifests = ManifestSource.yaml("stack.yaml", STACK);

      // README example: begin
      Plan plan =
          Plan.builder(EnvironmentName.forBranch("feature/Login-Fix"))
              .source(manifests) // or ManifestSource.kustomize(Path.of("deploy/overlays/preview"))
              .image("registry.example.com/team/api:sha-1f2e") // kustomize `set image` forms
              .build(); // every problem of every object reported at once; nothing sent yet

      Provisioner provisioner =
          Provisioner.forClient(client)
              .withOwner("ci-run-4711")
              .withTtl(Duration.ofHours(4))
              .withCleanup(Cleanup.ON_SUCCESS);

      try (Preview preview = provisioner.up(plan)) { // namespace, secrets, apply, ready
        URI api = preview.url("api"); // http://feature-login-fix-<hash>.api.example.com/
        // ... run tests against api; on failure: preview.markFailed() keeps it for inspection
        // README example: end
        assertThat(plan.warnings()).isEmpty();
        assertThat(api.getHost()).matches("feature-login-fix-[0-9a-f]{8}\\.api\\.example\\.com");
        assertThat(
                client
                    .apps()
                    .deployments()
                    .inNamespace(preview.namespace())
                    .withName("api")
                    .get()
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getImage())
            .isEqualTo("registry.example.com/team/api:sha-1f2e");
      }
      assertThat(client.namespaces().withName(plan.namespace()).get()).isNull();
    }
  }
}
