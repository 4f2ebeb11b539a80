package dev.previewenv.core.testing;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/**
 * The test objects many tests need, built one way: a Deployment whose pods are labelled {@code
 * app=<name>} and selected by that label, with one container named like the Deployment.
 */
public final class TestObjects {
  private TestObjects() {}

  /** One replica of {@code image}, no namespace (the plan's namespace transform sets it). */
  public static Deployment deployment(String name, String image) {
    return deployment(null, name, 1, image);
  }

  /** {@code replicas} replicas of {@code image} in {@code namespace} ({@code null}: none). */
  public static Deployment deployment(String namespace, String name, int replicas, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
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
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
