package dev.previewenv.core.internal.transform;

import dev.previewenv.core.Route;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * What one transformation produced: the new object list (objects it did not change are the input's
 * own instances, changed ones are copies), the problems that make the plan invalid, warnings, and
 * the routes found (only the ingress host transformation finds routes).
 *
 * <p>A transformation with problems still returns its best-effort objects, so later stages can run
 * and report their own problems in the same exception.
 */
public record Outcome(
    List<HasMetadata> objects, List<String> problems, List<String> warnings, List<Route> routes) {
  public Outcome {
    objects = List.copyOf(objects);
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
    routes = List.copyOf(routes);
  }

  static Outcome of(List<HasMetadata> objects, List<String> problems) {
    return new Outcome(objects, problems, List.of(), List.of());
  }
}
