package dev.previewenv.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Objects;

/**
 * A validated, transformed set of objects for one environment, ready to provision. A plan is only
 * made once every object passed every check, so provisioning a plan never starts with bad input.
 *
 * <p>The objects belong to the plan: do not change them.
 */
public final class Plan {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final EnvironmentName environment;
  private final List<HasMetadata> objects;
  private final List<Route> routes;
  private final List<String> warnings;

  Plan(
      EnvironmentName environment,
      List<HasMetadata> objects,
      List<Route> routes,
      List<String> warnings) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.objects = List.copyOf(objects);
    this.routes = List.copyOf(routes);
    this.warnings = List.copyOf(warnings);
  }

  /** The environment this plan is for. */
  public EnvironmentName environment() {
    return environment;
  }

  /** The namespace every namespaced object is placed in: the environment name. */
  public String namespace() {
    return environment.value();
  }

  /** The objects to apply, in a deterministic order. */
  public List<HasMetadata> objects() {
    return objects;
  }

  /** The ingress routes with their rewritten hosts. */
  public List<Route> routes() {
    return routes;
  }

  /** Things worth knowing that did not stop the plan, e.g. an image override matching nothing. */
  public List<String> warnings() {
    return warnings;
  }

  /** The plan's objects as one multi-document YAML stream, for inspection. */
  public String toYaml() {
    StringBuilder sb = new StringBuilder();
    for (HasMetadata o : objects) {
      String doc = SERIALIZATION.asYaml(o);
      if (!doc.startsWith("---")) {
        sb.append("---\n");
      }
      sb.append(doc);
      if (!doc.endsWith("\n")) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
