package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.HelmChart;
import dev.previewenv.core.InvalidPlanException;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.seed.SeedDeclarations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognises objects that Helm runs as hooks ({@code helm.sh/hook} annotation) rather than installs
 * as part of a release, and separates them from the ordinary objects by a {@link HelmChart.Hooks}
 * policy: {@link HelmChart.Hooks#SEED} turns {@code post-install} Jobs into seed Jobs ({@link
 * SeedDeclarations}). {@code helm test} hooks ({@code test}, and the old {@code
 * test-success}/{@code test-failure}) are always left out.
 */
public final class HelmHooks {
  public static final String HOOK = "helm.sh/hook";
  public static final String WEIGHT = "helm.sh/hook-weight";
  public static final String DELETE_POLICY = "helm.sh/hook-delete-policy";

  private static final Set<String> TEST_HOOKS = Set.of("test", "test-success", "test-failure");

  private HelmHooks() {}

  /** The hook types an object is annotated with, empty for an ordinary object. */
  public static Set<String> hookTypes(HasMetadata o) {
    Map<String, String> annotations =
        o.getMetadata() == null ? null : o.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(HOOK);
    Set<String> types = new LinkedHashSet<>();
    if (value != null) {
      for (String t : value.split(",")) {
        if (!t.isBlank()) {
          types.add(t.strip());
        }
      }
    }
    return types;
  }

  /** Whether the object is a Job Helm runs after installing the release. */
  static boolean isPostInstallJob(HasMetadata o, Set<String> types) {
    return types.contains("post-install")
        && "Job".equals(o.getKind())
        && "batch/v1".equals(o.getApiVersion());
  }

  /**
   * The hook Job as a seed Job: {@code previewenv.dev/phase: seed}, its hook weight as seed weight,
   * the {@code helm.sh/hook*} annotations removed (PreviewEnv, not Helm, runs it now).
   */
  static HasMetadata asSeed(HasMetadata o) {
    Map<String, String> annotations =
        new java.util.LinkedHashMap<>(o.getMetadata().getAnnotations());
    String weight = annotations.remove(WEIGHT);
    annotations.remove(HOOK);
    annotations.remove(DELETE_POLICY);
    annotations.put(Keys.PHASE, SeedDeclarations.SEED);
    if (weight != null && weight.strip().matches("[-+]?\\d{1,9}")) {
      annotations.put(Keys.SEED_WEIGHT, weight.strip());
    }
    o.getMetadata().setAnnotations(annotations);
    return o;
  }

  /** Whether every hook type of the object is a {@code helm test} type. */
  static boolean isTestOnly(Set<String> types) {
    return !types.isEmpty() && TEST_HOOKS.containsAll(types);
  }

  /**
   * Splits {@code objects} by {@code policy}: the objects to keep, and a warning for each hook left
   * out or applied.
   *
   * @param origin the source, for messages
   * @throws InvalidPlanException for {@link HelmChart.Hooks#REFUSE} when a non-test hook is found
   */
  public static RenderingSource.Rendered separate(
      List<HasMetadata> objects, HelmChart.Hooks policy, String origin) {
    return separate(objects, policy, origin, true);
  }

  /**
   * Like {@link #separate(List, HelmChart.Hooks, String)}; {@code helmSource} says whether the
   * objects come from {@code ManifestSource.helm} (whose hook policy can be changed) or from
   * pre-rendered files or kustomize, for the hint in the warning.
   */
  public static RenderingSource.Rendered separate(
      List<HasMetadata> objects, HelmChart.Hooks policy, String origin, boolean helmSource) {
    List<HasMetadata> kept = new ArrayList<>(objects.size());
    List<String> warnings = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (HasMetadata o : objects) {
      Set<String> types = hookTypes(o);
      if (types.isEmpty()) {
        kept.add(o);
        continue;
      }
      String what =
          o.getKind()
              + "/"
              + o.getMetadata().getName()
              + " ("
              + HOOK
              + ": "
              + String.join(",", types)
              + ")";
      if (isTestOnly(types)) {
        warnings.add(
            origin
                + ": left out "
                + what
                + ", a 'helm test' hook; PreviewEnv's E2E run is the test step (run the suite"
                + " with E2eJob, or apply the test pod yourself)");
      } else if (policy == HelmChart.Hooks.SEED && isPostInstallJob(o, types)) {
        kept.add(asSeed(o));
        warnings.add(
            origin
                + ": runs the Helm hook "
                + what
                + " as a seed step: after every workload is ready, before up returns; again only"
                + " when its spec changes (HelmChart.Hooks.APPLY applies it as an ordinary object"
                + " instead)");
      } else if (policy == HelmChart.Hooks.APPLY) {
        kept.add(o);
        warnings.add(
            origin
                + ": applies the Helm hook "
                + what
                + " as an ordinary object, together with the rest: hook order, weights and delete"
                + " policies are not honoured");
      } else if (policy == HelmChart.Hooks.REFUSE) {
        refused.add(
            origin
                + ": "
                + what
                + " is a Helm hook and hooks are refused (HelmChart.Hooks.REFUSE); use"
                + " HelmChart.Hooks.OMIT to leave it out or APPLY to apply it as an ordinary"
                + " object");
      } else {
        warnings.add(
            origin
                + ": left out the Helm hook "
                + what
                + "; PreviewEnv runs only post-install Jobs (as seed steps). If the stack needs it"
                + " (e.g. a database migration), "
                + (helmSource
                    ? "use HelmChart.withHooks(HelmChart.Hooks.APPLY), or make it a post-install"
                        + " Job or a seed step (annotation "
                        + Keys.PHASE
                        + ": "
                        + SeedDeclarations.SEED
                        + ")"
                    : "remove the helm.sh/hook annotation to apply it as an ordinary object,"
                        + " render the chart with ManifestSource.helm(...) and"
                        + " HelmChart.Hooks.APPLY, or make it a seed step (annotation "
                        + Keys.PHASE
                        + ": "
                        + SeedDeclarations.SEED
                        + ")"));
      }
    }
    if (!refused.isEmpty()) {
      throw new InvalidPlanException(
          "Cannot load manifests from " + origin + ": it renders Helm hooks, which are refused",
          refused);
    }
    return new RenderingSource.Rendered(kept, warnings);
  }
}
