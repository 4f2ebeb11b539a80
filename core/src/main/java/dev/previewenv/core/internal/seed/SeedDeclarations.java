package dev.previewenv.core.internal.seed;

import dev.previewenv.core.internal.kube.Keys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vocabulary of the seed phase (annotation keys and values) and the rules of a seed
 * declaration: a seed is a {@code batch/v1} Job annotated {@code previewenv.dev/phase: seed}; it
 * runs after the workloads it names in {@code previewenv.dev/seed-after} (default: every workload
 * of the plan that is not a seed) are ready, in ascending {@code previewenv.dev/seed-weight}
 * (default 0; seeds of one weight run at once). Whether a seed already ran is recorded on the
 * namespace ({@link #SEEDED}) as the hash of its Job as planned.
 */
public final class SeedDeclarations {

  /** The one value of {@link Keys#PHASE} a manifest may declare. */
  public static final String SEED = "seed";

  /** Kinds a seed can wait for. */
  public static final Set<String> WORKLOAD_KINDS =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "Pod", "Job");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private SeedDeclarations() {}

  /** Whether {@code o} is declared a seed (its phase annotation says {@code seed}). */
  public static boolean isSeed(HasMetadata o) {
    return SEED.equals(annotation(o, Keys.PHASE));
  }

  /** The seeds among {@code objects}, in their order. */
  public static List<HasMetadata> seeds(List<HasMetadata> objects) {
    return objects.stream().filter(SeedDeclarations::isSeed).toList();
  }

  /** The seed's weight; 0 when not given. Only for declarations {@link #check} accepted. */
  public static int weight(HasMetadata seed) {
    String w = annotation(seed, Keys.SEED_WEIGHT);
    return w == null || w.isBlank() ? 0 : Integer.parseInt(w.strip());
  }

  /**
   * The workloads the seed waits for as {@code Kind/name}, or empty when it waits for every
   * workload that is not a seed.
   */
  public static Set<String> after(HasMetadata seed) {
    String value = annotation(seed, Keys.SEED_AFTER);
    Set<String> refs = new LinkedHashSet<>();
    if (value != null) {
      for (String r : value.split(",")) {
        if (!r.isBlank()) {
          refs.add(r.strip());
        }
      }
    }
    return refs;
  }

  /**
   * The hash recorded for a seed that ran: the first 16 hex digits of the SHA-256 of its Job as
   * planned (spec, labels and annotations, image overrides included), so a changed seed runs again.
   */
  public static String hash(HasMetadata seed) {
    Map<String, Object> identity = new java.util.LinkedHashMap<>();
    identity.put("apiVersion", seed.getApiVersion());
    identity.put("labels", seed.getMetadata().getLabels());
    identity.put("annotations", seed.getMetadata().getAnnotations());
    identity.put("spec", SERIALIZATION.convertValue(seed, Map.class).get("spec"));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(SERIALIZATION.asJson(identity).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Every problem of the seed declarations among {@code objects} (loaded from {@code origin}),
   * checked against {@code all} the plan's objects; each names the origin, the object and the
   * annotation.
   */
  public static List<String> check(
      List<HasMetadata> objects, List<HasMetadata> all, String origin) {
    List<String> problems = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (o.getMetadata() == null) {
        continue;
      }
      String what = origin + ": " + o.getKind() + "/" + o.getMetadata().getName();
      String phase = annotation(o, Keys.PHASE);
      boolean seed = SEED.equals(phase);
      if (phase != null && !seed) {
        problems.add(
            what
                + ": annotation "
                + Keys.PHASE
                + " is \""
                + phase
                + "\", an unknown phase; the one phase a manifest declares is \""
                + SEED
                + "\" (on a Job that seeds the environment's data): fix the value or remove the"
                + " annotation");
        continue;
      }
      if (!seed) {
        for (String key : List.of(Keys.SEED_AFTER, Keys.SEED_WEIGHT)) {
          if (annotation(o, key) != null) {
            problems.add(
                what
                    + ": annotation "
                    + key
                    + " is only for seed Jobs, but this object has no "
                    + Keys.PHASE
                    + ": "
                    + SEED
                    + "; add that annotation or remove this one");
          }
        }
        continue;
      }
      if (!"Job".equals(o.getKind()) || !"batch/v1".equals(o.getApiVersion())) {
        problems.add(
            what
                + ": annotation "
                + Keys.PHASE
                + ": "
                + SEED
                + " is only for Jobs (apiVersion batch/v1, kind Job), but this is "
                + o.getApiVersion()
                + " "
                + o.getKind()
                + "; run the seeding as a Job, or remove the annotation");
        continue;
      }
      String weight = annotation(o, Keys.SEED_WEIGHT);
      if (weight != null) {
        try {
          Integer.parseInt(weight.strip());
        } catch (NumberFormatException e) {
          problems.add(
              what
                  + ": annotation "
                  + Keys.SEED_WEIGHT
                  + " is \""
                  + weight
                  + "\", not an integer; give the order among seeds, e.g. \"10\"");
        }
      }
      for (String ref : after(o)) {
        int slash = ref.indexOf('/');
        String kind = slash < 0 ? "" : ref.substring(0, slash);
        String name = slash < 0 ? "" : ref.substring(slash + 1);
        if (!WORKLOAD_KINDS.contains(kind) || name.isEmpty()) {
          problems.add(
              what
                  + ": annotation "
                  + Keys.SEED_AFTER
                  + " names \""
                  + ref
                  + "\", which is not a workload as Kind/name (kinds: "
                  + String.join(", ", new java.util.TreeSet<>(WORKLOAD_KINDS))
                  + "), e.g. StatefulSet/postgres");
          continue;
        }
        boolean found = false;
        boolean isSeed = false;
        for (HasMetadata other : all) {
          if (kind.equals(other.getKind())
              && other.getMetadata() != null
              && name.equals(other.getMetadata().getName())) {
            found = true;
            isSeed = isSeed(other);
          }
        }
        if (!found) {
          problems.add(
              what
                  + ": annotation "
                  + Keys.SEED_AFTER
                  + " names "
                  + ref
                  + ", which is not in the plan; name a workload of the stack or remove it");
        } else if (isSeed) {
          problems.add(
              what
                  + ": annotation "
                  + Keys.SEED_AFTER
                  + " names "
                  + ref
                  + ", another seed; order seeds with "
                  + Keys.SEED_WEIGHT
                  + " instead");
        }
      }
    }
    return problems;
  }

  private static String annotation(HasMetadata o, String key) {
    Map<String, String> a = o.getMetadata() == null ? null : o.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }
}
