package dev.previewenv.core.reliability;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;

/** Small plans for the reliability scenarios; every one carries the canary secret value. */
public final class ReliabilityPlans {
  /** Must never appear in any log line, exception message, diagnostics file or test output. */
  public static final String CANARY = "canary-" + "Zq8v" + "X3kP" + "-do-not-print";

  private ReliabilityPlans() {}

  /** A config map, a deployment and a secret holding the canary. */
  public static List<HasMetadata> small() {
    return List.of(configMap("settings"), deployment("api"), secret("api-credentials"));
  }

  /** Twelve objects, so that the crash points fall inside {@code up}. */
  public static List<HasMetadata> crashPlanObjects() {
    List<HasMetadata> objects = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      objects.add(configMap("settings-" + i));
    }
    objects.add(deployment("api"));
    objects.add(deployment("web"));
    objects.add(secret("api-credentials"));
    return objects;
  }

  public static HasMetadata configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToData("mode", "preview")
        .build();
  }

  public static HasMetadata secret(String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToStringData("password", CANARY)
        .build();
  }

  public static HasMetadata deployment(String name) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(name)
        .withImage("registry.example.com/" + name + ":1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
