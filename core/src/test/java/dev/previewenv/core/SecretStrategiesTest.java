package dev.previewenv.core;

import static dev.previewenv.core.TestPlans.configMap;
import static dev.previewenv.core.TestPlans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class SecretStrategiesTest {
  private static final String CANARY = "canary-value-7f3a9";
  private static final String CANARY_B64 =
      Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));

  KubernetesClient client;
  private Watch controller;

  @BeforeEach
  void sourceSecrets() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("shared").endMetadata().build())
        .create();
    client
        .secrets()
        .inNamespace("shared")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("registry")
                .withNamespace("shared")
                .addToLabels("team", "platform")
                .addToAnnotations(
                    "kubectl.kubernetes.io/last-applied-configuration",
                    "{\"data\":\"" + CANARY_B64 + "\"}")
                .addToAnnotations("note", "kept")
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", CANARY_B64)
                .build())
        .create();
  }

  @AfterEach
  void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  private Provisioner provisioner(SecretSpec... secrets) {
    return Provisioner.forClient(client)
        .withApplyStrategy(ApplyStrategy.CREATE_OR_UPDATE)
        .withoutReadinessWait()
        .withWaitTimeout(Duration.ofSeconds(10))
        .withSecrets(secrets);
  }

  @Test
  void copiesSecretKeepingTypeAndDataDroppingServerMetadata() {
    Plan plan = plan("copy-env", configMap("settings", "k", "v"));

    provisioner(SecretSpec.copy("shared", "registry")).up(plan);

    Secret copy = client.secrets().inNamespace("copy-env").withName("registry").get();
    Secret source = client.secrets().inNamespace("shared").withName("registry").get();
    assertThat(copy.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(copy.getData()).isEqualTo(source.getData());
    assertThat(copy.getMetadata().getUid()).isNotEqualTo(source.getMetadata().getUid());
    assertThat(copy.getMetadata().getAnnotations())
        .containsEntry("previewenv.dev/copied-from", "shared/registry")
        .containsEntry("note", "kept")
        .doesNotContainKey("kubectl.kubernetes.io/last-applied-configuration");
    assertThat(copy.getMetadata().getLabels())
        .containsEntry("team", "platform")
        .containsEntry("previewenv.dev/environment", "copy-env")
        .containsEntry("app.kubernetes.io/managed-by", "previewenv");
  }

  @Test
  void copiedSecretSurvivesPruningOnRerun() {
    Plan plan = plan("copy-rerun", configMap("settings", "k", "v"));
    Provisioner p = provisioner(SecretSpec.copy("shared", "registry"));
    p.up(plan);

    p.up(
        plan(
            "copy-rerun",
            configMap("settings", "k", "v"),
            new SecretBuilder().withNewMetadata().withName("own").endMetadata().build()));
    p.up(plan);

    assertThat(client.secrets().inNamespace("copy-rerun").withName("registry").get()).isNotNull();
    assertThat(client.secrets().inNamespace("copy-rerun").withName("own").get()).isNull();
  }

  @Test
  void missingSourceSecretFailsBeforeAnythingIsCreated() {
    Plan plan = plan("missing-env", configMap("settings", "k", "v"));

    assertThatThrownBy(
            () ->
                provisioner(
                        SecretSpec.kubed("shared", "registry"),
                        SecretSpec.copy("shared", "tls", "registry"),
                        SecretSpec.copy("elsewhere", "token"))
                    .up(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("shared/tls (COPY)")
        .hasMessageContaining("elsewhere/token (COPY)")
        .hasMessageContaining("Nothing was created")
        .hasMessageNotContaining(CANARY)
        .hasMessageNotContaining(CANARY_B64);
    assertThat(client.namespaces().withName("missing-env").get()).isNull();
    assertThat(
            client
                .secrets()
                .inNamespace("shared")
                .withName("registry")
                .get()
                .getMetadata()
                .getAnnotations())
        .doesNotContainKey("kubed.appscode.com/sync");
  }

  @Test
  void kubedCopyIsAwaited() {
    controller = fakeController("kubed.appscode.com/sync", value -> namespacesMatching(value));
    Plan plan = plan("kubed-env", configMap("settings", "k", "v"));

    try (Preview p = provisioner(SecretSpec.kubed("shared", "registry")).up(plan)) {
      // this environment only, never every preview namespace
      assertThat(annotations("registry"))
          .containsEntry("kubed.appscode.com/sync", "previewenv.dev/environment in (kubed-env)");
      assertThat(client.secrets().inNamespace("kubed-env").withName("registry").get()).isNotNull();
    }
    // teardown takes the environment off the selector PreviewEnv put there
    assertThat(annotations("registry")).doesNotContainKey("kubed.appscode.com/sync");
  }

  @Test
  void kubedSelectorAlreadyOnSourceIsHonouredByNamespaceLabel() {
    client
        .secrets()
        .inNamespace("shared")
        .withName("registry")
        .edit(
            s -> {
              s.getMetadata().getAnnotations().put("kubed.appscode.com/sync", "preview=true");
              return s;
            });
    controller = fakeController("kubed.appscode.com/sync", value -> namespacesMatching(value));
    Plan plan = plan("kubed-own", configMap("settings", "k", "v"));

    provisioner(SecretSpec.kubed("shared", "registry")).up(plan);

    assertThat(annotations("registry")).containsEntry("kubed.appscode.com/sync", "preview=true");
    assertThat(client.namespaces().withName("kubed-own").get().getMetadata().getLabels())
        .containsEntry("preview", "true");
    assertThat(client.secrets().inNamespace("kubed-own").withName("registry").get()).isNotNull();
  }

  @Test
  void replicatorCopyIsAwaited() {
    controller =
        fakeController(
            "replicator.v1.mittwald.de/replicate-to-matching", value -> namespacesMatching(value));
    Plan plan = plan("replicator-env", configMap("settings", "k", "v"));

    Preview first = provisioner(SecretSpec.replicator("shared", "registry")).up(plan);
    Preview second =
        provisioner(SecretSpec.replicator("shared", "registry"))
            .up(plan("replicator-two", configMap("settings", "k", "v")));

    assertThat(annotations("registry"))
        .containsEntry(
            "replicator.v1.mittwald.de/replicate-to-matching",
            "previewenv.dev/environment in (replicator-env,replicator-two)");
    assertThat(client.secrets().inNamespace("replicator-env").withName("registry").get())
        .isNotNull();
    first.close();
    assertThat(annotations("registry"))
        .containsEntry(
            "replicator.v1.mittwald.de/replicate-to-matching",
            "previewenv.dev/environment in (replicator-two)");
    second.close();
    assertThat(annotations("registry"))
        .doesNotContainKey("replicator.v1.mittwald.de/replicate-to-matching");
  }

  @Test
  void reflectorGetsNamespaceAddedWithoutLosingOtherEntries() {
    client
        .secrets()
        .inNamespace("shared")
        .withName("registry")
        .edit(
            s -> {
              s.getMetadata()
                  .getAnnotations()
                  .put("reflector.v1.k8s.emberstack.com/reflection-allowed", "true");
              s.getMetadata()
                  .getAnnotations()
                  .put("reflector.v1.k8s.emberstack.com/reflection-allowed-namespaces", "staging");
              s.getMetadata()
                  .getAnnotations()
                  .put("reflector.v1.k8s.emberstack.com/reflection-auto-enabled", "true");
              s.getMetadata()
                  .getAnnotations()
                  .put("reflector.v1.k8s.emberstack.com/reflection-auto-namespaces", "staging");
              return s;
            });
    controller =
        fakeController(
            "reflector.v1.k8s.emberstack.com/reflection-auto-namespaces",
            value -> Arrays.stream(value.split(",")).map(String::strip).toList());
    Plan plan = plan("reflector-env", configMap("settings", "k", "v"));

    Preview preview = provisioner(SecretSpec.reflector("shared", "registry")).up(plan);

    assertThat(annotations("registry"))
        .containsEntry(
            "reflector.v1.k8s.emberstack.com/reflection-allowed-namespaces",
            "staging,reflector-env")
        .containsEntry(
            "reflector.v1.k8s.emberstack.com/reflection-auto-namespaces", "staging,reflector-env");
    assertThat(client.secrets().inNamespace("reflector-env").withName("registry").get())
        .isNotNull();

    // teardown removes the entry PreviewEnv added, and only that one
    preview.close();
    assertThat(annotations("registry"))
        .containsEntry("reflector.v1.k8s.emberstack.com/reflection-allowed-namespaces", "staging")
        .containsEntry("reflector.v1.k8s.emberstack.com/reflection-auto-namespaces", "staging")
        .containsEntry("reflector.v1.k8s.emberstack.com/reflection-allowed", "true");
  }

  @Test
  void reflectorPatternAlreadyMatchingIsLeftAlone() {
    client
        .secrets()
        .inNamespace("shared")
        .withName("registry")
        .edit(
            s -> {
              s.getMetadata()
                  .getAnnotations()
                  .put("reflector.v1.k8s.emberstack.com/reflection-allowed", "true");
              s.getMetadata()
                  .getAnnotations()
                  .put("reflector.v1.k8s.emberstack.com/reflection-allowed-namespaces", "pr-.*");
              s.getMetadata()
                  .getAnnotations()
                  .put("reflector.v1.k8s.emberstack.com/reflection-auto-enabled", "true");
              s.getMetadata()
                  .getAnnotations()
                  .put("reflector.v1.k8s.emberstack.com/reflection-auto-namespaces", "pr-.*");
              return s;
            });
    controller =
        fakeController(
            "reflector.v1.k8s.emberstack.com/reflection-auto-namespaces",
            value -> List.of("pr-42"));

    provisioner(SecretSpec.reflector("shared", "registry"))
        .up(plan("pr-42", configMap("settings", "k", "v")));

    assertThat(annotations("registry"))
        .containsEntry("reflector.v1.k8s.emberstack.com/reflection-auto-namespaces", "pr-.*");
    assertThat(client.secrets().inNamespace("pr-42").withName("registry").get()).isNotNull();
  }

  @Test
  void syncThatNeverHappensTimesOutNamingSecretAndController() {
    Plan plan = plan("nosync-env", configMap("settings", "k", "v"));

    assertThatThrownBy(
            () ->
                provisioner(SecretSpec.replicator("shared", "registry"))
                    .withWaitTimeout(Duration.ofSeconds(2))
                    .withCleanup(Cleanup.NEVER)
                    .up(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("Secret registry did not appear in namespace nosync-env")
        .hasMessageContaining("kubernetes-replicator")
        .hasMessageContaining("shared/registry")
        .hasMessageNotContaining(CANARY_B64);
  }

  private Map<String, String> annotations(String secret) {
    return client
        .secrets()
        .inNamespace("shared")
        .withName(secret)
        .get()
        .getMetadata()
        .getAnnotations();
  }

  private List<String> namespacesMatching(String selector) {
    java.util.regex.Matcher in =
        java.util.regex.Pattern.compile("(\\S+) in \\((.*)\\)").matcher(selector.strip());
    if (in.matches()) {
      List<String> values = Arrays.stream(in.group(2).split(",")).map(String::strip).toList();
      return client.namespaces().list().getItems().stream()
          .filter(
              n ->
                  n.getMetadata().getLabels() != null
                      && values.contains(n.getMetadata().getLabels().get(in.group(1))))
          .map(n -> n.getMetadata().getName())
          .toList();
    }
    String[] kv = selector.split("=", 2);
    return client.namespaces().withLabel(kv[0], kv[1]).list().getItems().stream()
        .map(n -> n.getMetadata().getName())
        .toList();
  }

  /**
   * Plays the syncing controller: copies a source secret carrying {@code annotation} into the
   * target namespaces, when the secret changes and when a namespace appears or changes (as the real
   * controllers do).
   */
  private Watch fakeController(String annotation, Function<String, List<String>> targets) {
    Runnable sync =
        () -> {
          for (Secret s : client.secrets().inNamespace("shared").list().getItems()) {
            String value =
                s.getMetadata().getAnnotations() == null
                    ? null
                    : s.getMetadata().getAnnotations().get(annotation);
            if (value == null) {
              continue;
            }
            for (String ns : targets.apply(value)) {
              if (client.namespaces().withName(ns).get() == null) {
                continue;
              }
              client
                  .secrets()
                  .inNamespace(ns)
                  .resource(
                      new SecretBuilder()
                          .withNewMetadata()
                          .withName(s.getMetadata().getName())
                          .withNamespace(ns)
                          .endMetadata()
                          .withType(s.getType())
                          .withData(s.getData())
                          .build())
                  .unlock()
                  .createOr(op -> op.update());
            }
          }
        };
    Watch secrets = client.secrets().inNamespace("shared").watch(onEvent(sync));
    Watch namespaces = client.namespaces().watch(onEvent(sync));
    return () -> {
      secrets.close();
      namespaces.close();
    };
  }

  private static <T> Watcher<T> onEvent(Runnable sync) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action != Action.DELETED) {
          sync.run();
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }
}
