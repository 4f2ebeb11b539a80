package dev.previewenv.core.internal.transform;

import dev.previewenv.core.ImageOverride;
import dev.previewenv.core.PullPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies image overrides to the {@code image} of every element of every {@code containers}, {@code
 * initContainers} and {@code ephemeralContainers} list found anywhere in any object, custom
 * resources included (the object is walked as a generic tree, as kustomize 5 does).
 *
 * <p>The overrides are applied one after the other to each image, in the order given, like the
 * entries of kustomize's {@code images:} list. Deliberate difference from kustomize: kustomize
 * leaves {@code ephemeralContainers} alone; this transformation rewrites them too. An override that
 * matches no image anywhere is a warning (logged and returned), or a problem when {@code strict}:
 * kustomize silently ignores it, which hides typos.
 *
 * <p>Pull policy: a container whose image an override matches gets {@code imagePullPolicy} of the
 * last matching override that sets one ({@link ImageOverride#withPullPolicy}), else {@code
 * pullPolicy} when given; otherwise its policy is left as the manifest says. Containers no override
 * matches are never touched.
 */
public record ImageTransform(List<ImageOverride> overrides, boolean strict, PullPolicy pullPolicy) {
  private static final Logger log = LoggerFactory.getLogger(ImageTransform.class);

  /**
   * The setting, in every front door, that lets an override matching nothing pass with a warning:
   * {@code previewenv.images.unmatched=warn} (default {@code fail}).
   */
  public static final String UNMATCHED_SETTING = "previewenv.images.unmatched";

  private static final Set<String> CONTAINER_LISTS =
      Set.of("containers", "initContainers", "ephemeralContainers");

  public ImageTransform {
    overrides = List.copyOf(overrides);
  }

  /** Overrides that leave pull policies to the overrides themselves. */
  public ImageTransform(List<ImageOverride> overrides, boolean strict) {
    this(overrides, strict, null);
  }

  /** An image after the overrides, and the pull policy to set (null: leave it). */
  private record Rewritten(String image, PullPolicy policy) {}

  public Outcome apply(List<HasMetadata> input) {
    if (overrides.isEmpty()) {
      return Outcome.of(input, List.of());
    }
    boolean[] used = new boolean[overrides.size()];
    Map<String, Rewritten> rewritten = new HashMap<>();
    List<HasMetadata> out = new ArrayList<>(input.size());
    for (HasMetadata o : input) {
      Map<String, Object> tree = Resources.toTree(o);
      if (walk(tree, used, rewritten)) {
        out.add(Resources.fromTree(tree, o.getClass()));
      } else {
        out.add(o);
      }
    }
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < overrides.size(); i++) {
      if (used[i]) {
        continue;
      }
      List<String> closest = ImageSuggestions.closest(overrides.get(i).name(), names(rewritten));
      String message =
          "image override \""
              + overrides.get(i)
              + "\" matches no container image in the "
              + input.size()
              + " objects (names are compared in full, registry included, without tag or digest); "
              + (closest.isEmpty()
                  ? "the images there are " + describeNames(names(rewritten))
                  : "closest image names: " + String.join(", ", closest))
              + ". Use the name as the manifests write it"
              + (closest.isEmpty() ? "" : ", e.g. " + renamed(overrides.get(i), closest.get(0)))
              + (strict
                  ? ", or set " + UNMATCHED_SETTING + "=warn to let it pass with a warning"
                  : " (only a warning: " + UNMATCHED_SETTING + "=warn)");
      if (strict) {
        problems.add(message);
      } else {
        log.warn("{}", message);
        warnings.add(message);
      }
    }
    return new Outcome(out, problems, warnings, List.of());
  }

  /** The image names (no tag or digest) seen in the objects, sorted. */
  private static java.util.SortedSet<String> names(Map<String, ?> seen) {
    java.util.SortedSet<String> names = new java.util.TreeSet<>();
    for (String image : seen.keySet()) {
      names.add(ImageSuggestions.nameOf(image));
    }
    return names;
  }

  private static String describeNames(java.util.SortedSet<String> names) {
    if (names.isEmpty()) {
      return "none (no containers)";
    }
    List<String> first = new ArrayList<>(names).subList(0, Math.min(5, names.size()));
    return String.join(", ", first)
        + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
  }

  /** The override as it would read with {@code name} as the image name. */
  private static String renamed(ImageOverride o, String name) {
    String s = o.toString();
    return name + s.substring(o.name().length());
  }

  /** Rewrites images in place in the tree; returns whether anything changed. */
  @SuppressWarnings("unchecked")
  private boolean walk(Object node, boolean[] used, Map<String, Rewritten> cache) {
    boolean changed = false;
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object value = e.getValue();
        if (CONTAINER_LISTS.contains(e.getKey()) && value instanceof List<?> list) {
          for (Object item : list) {
            if (item instanceof Map<?, ?> container
                && container.get("image") instanceof String image) {
              Rewritten next = rewrite(image, used, cache);
              Map<String, Object> c = (Map<String, Object>) container;
              if (!next.image().equals(image)) {
                c.put("image", next.image());
                changed = true;
              }
              if (next.policy() != null
                  && !next.policy().value().equals(c.get("imagePullPolicy"))) {
                c.put("imagePullPolicy", next.policy().value());
                changed = true;
              }
            }
          }
        }
        changed |= walk(value, used, cache);
      }
    } else if (node instanceof List<?> list) {
      for (Object item : list) {
        changed |= walk(item, used, cache);
      }
    }
    return changed;
  }

  private Rewritten rewrite(String image, boolean[] used, Map<String, Rewritten> cache) {
    Rewritten cached = cache.get(image);
    if (cached != null) {
      return cached;
    }
    String current = image;
    boolean matched = false;
    PullPolicy policy = null;
    for (int i = 0; i < overrides.size(); i++) {
      Optional<String> next = overrides.get(i).rewrite(current);
      if (next.isPresent()) {
        used[i] = true;
        matched = true;
        current = next.get();
        policy = overrides.get(i).pullPolicy().orElse(policy);
      }
    }
    Rewritten result = new Rewritten(current, matched && policy == null ? pullPolicy : policy);
    cache.put(image, result);
    return result;
  }
}
