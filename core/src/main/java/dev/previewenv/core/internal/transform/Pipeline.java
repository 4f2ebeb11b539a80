package dev.previewenv.core.internal.transform;

import dev.previewenv.core.HelmChart;
import dev.previewenv.core.InvalidPlanException;
import dev.previewenv.core.Route;
import dev.previewenv.core.internal.manifest.HelmHooks;
import dev.previewenv.core.internal.manifest.RenderingSource;
import dev.previewenv.core.internal.manifest.Source;
import dev.previewenv.core.internal.seed.SeedDeclarations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the sources and runs the transformations in their fixed order (namespace, images, pull
 * secrets, ingress hosts and external-dns, protection, labels), then validates the result. Every
 * stage runs even when an earlier one found problems, so one run reports every problem it can find.
 * Seed declarations ({@link SeedDeclarations}) are checked on the objects as loaded, each problem
 * naming the source it came from. The object order is the order of the sources, then each source's
 * own order.
 */
public record Pipeline(
    NamespaceTransform namespace,
    ImageTransform images,
    IngressHostTransform hosts,
    ProtectionTransform protection,
    LabelTransform labels,
    PullSecretTransform pullSecrets) {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  /** A pipeline that attaches no pull secrets. */
  public Pipeline(
      NamespaceTransform namespace,
      ImageTransform images,
      IngressHostTransform hosts,
      ProtectionTransform protection,
      LabelTransform labels) {
    this(namespace, images, hosts, protection, labels, new PullSecretTransform(null, null));
  }

  /** The transformed, validated objects, with all problems, warnings and routes found. */
  public Outcome run(List<Source> sources) {
    return run(sources, null);
  }

  /**
   * Like {@link #run(List)}; sources rendered by Helm or kustomize are told the environment's
   * namespace and {@code kubeVersion} ({@code null} when unknown). Helm hooks found in sources that
   * do not handle them themselves are left out with a warning.
   */
  public Outcome run(List<Source> sources, String kubeVersion) {
    List<HasMetadata> objects = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    RenderingSource.Context context =
        new RenderingSource.Context(namespace.namespace(), kubeVersion);
    List<Map.Entry<String, List<HasMetadata>>> bySource = new ArrayList<>();
    for (Source source : sources) {
      try {
        RenderingSource.Rendered rendered =
            source instanceof RenderingSource r
                ? r.render(context)
                : HelmHooks.separate(
                    source.load(), HelmChart.Hooks.OMIT, source.description(), false);
        log.debug("Loaded {} objects from {}", rendered.objects().size(), source.description());
        objects.addAll(rendered.objects());
        bySource.add(Map.entry(source.description(), rendered.objects()));
        warnings.addAll(rendered.warnings());
      } catch (InvalidPlanException e) {
        if (e.problems().isEmpty()) {
          problems.add(source.description() + ": " + e.getMessage());
        } else {
          problems.addAll(e.problems());
        }
      }
    }
    // seed declarations are checked as loaded, so that each problem names its source
    for (Map.Entry<String, List<HasMetadata>> loaded : bySource) {
      problems.addAll(SeedDeclarations.check(loaded.getValue(), objects, loaded.getKey()));
    }
    Outcome outcome = transform(objects, problems);
    warnings.addAll(outcome.warnings());
    return new Outcome(outcome.objects(), outcome.problems(), warnings, outcome.routes());
  }

  /** Transforms and validates objects already loaded; {@code problems} are earlier problems. */
  public Outcome transform(List<HasMetadata> objects, List<String> problems) {
    List<String> allProblems = new ArrayList<>(problems);
    List<String> warnings = new ArrayList<>();
    List<Route> routes = new ArrayList<>();
    List<HasMetadata> current = objects;
    List<Function<List<HasMetadata>, Outcome>> stages =
        List.of(
            namespace::apply,
            images::apply,
            pullSecrets::apply,
            hosts::apply,
            protection::apply,
            labels::apply);
    for (Function<List<HasMetadata>, Outcome> stage : stages) {
      Outcome outcome = stage.apply(current);
      current = outcome.objects();
      allProblems.addAll(outcome.problems());
      warnings.addAll(outcome.warnings());
      routes.addAll(outcome.routes());
    }
    allProblems.addAll(PlanValidator.validate(current));
    return new Outcome(current, allProblems, warnings, routes);
  }
}
