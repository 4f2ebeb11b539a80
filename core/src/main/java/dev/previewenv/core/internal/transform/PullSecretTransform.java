package dev.previewenv.core.internal.transform;

import dev.previewenv.core.PullSecrets;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attaches {@link PullSecrets} to the plan: {@code imagePullSecrets} of every pod spec (any map
 * holding a {@code containers} list, custom resources included) and/or of every ServiceAccount,
 * plus a {@code default} ServiceAccount when the plan has none (server-side apply only sets the
 * fields named; the token controller's {@code secrets} stay its own). Entries already there are
 * kept and never duplicated. Pods that run under a ServiceAccount the plan does not contain (other
 * than {@code default}) are a warning when only ServiceAccounts get the secrets.
 *
 * @param namespace the environment's namespace (for the added ServiceAccount)
 * @param pullSecrets what to attach, or null for nothing
 */
public record PullSecretTransform(String namespace, PullSecrets pullSecrets) {
  static final String DEFAULT_ACCOUNT = "default";

  public Outcome apply(List<HasMetadata> input) {
    if (pullSecrets == null) {
      return Outcome.of(input, List.of());
    }
    List<String> names = pullSecrets.names();
    List<HasMetadata> out = new ArrayList<>(input.size() + 1);
    Set<String> accounts = new LinkedHashSet<>();
    Set<String> usedAccounts = new LinkedHashSet<>();
    boolean hasDefault = false;
    for (HasMetadata o : input) {
      if (o instanceof ServiceAccount sa && sa.getMetadata() != null) {
        accounts.add(sa.getMetadata().getName());
        hasDefault |= DEFAULT_ACCOUNT.equals(sa.getMetadata().getName());
        if (pullSecrets.attach().serviceAccounts()) {
          Map<String, Object> tree = Resources.toTree(o);
          if (addSecrets(tree, names)) {
            out.add(Resources.fromTree(tree, o.getClass()));
            continue;
          }
        }
        out.add(o);
        continue;
      }
      Map<String, Object> tree = Resources.toTree(o);
      boolean changed = walk(tree, names, pullSecrets.attach().podSpecs(), usedAccounts);
      out.add(changed ? Resources.fromTree(tree, o.getClass()) : o);
    }
    List<String> warnings = new ArrayList<>();
    if (pullSecrets.attach().serviceAccounts()) {
      if (!hasDefault) {
        out.add(defaultAccount(names));
      }
      if (!pullSecrets.attach().podSpecs()) {
        for (String account : usedAccounts) {
          if (!DEFAULT_ACCOUNT.equals(account) && !accounts.contains(account)) {
            warnings.add(
                "pods run under ServiceAccount "
                    + account
                    + ", which the plan does not contain, so pull secrets "
                    + names
                    + " are not attached to it: add the ServiceAccount to the manifests or attach"
                    + " the pull secrets to pod specs too (PullSecrets.Attach.BOTH)");
          }
        }
      }
    }
    return new Outcome(out, List.of(), warnings, List.of());
  }

  private ServiceAccount defaultAccount(List<String> names) {
    ServiceAccountBuilder b =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName(DEFAULT_ACCOUNT)
            .withNamespace(namespace)
            .endMetadata();
    for (String n : names) {
      b.addNewImagePullSecret(n);
    }
    return b.build();
  }

  /** Adds pull secrets to every pod spec below {@code node}; notes the accounts pods run under. */
  @SuppressWarnings("unchecked")
  private static boolean walk(
      Object node, List<String> names, boolean podSpecs, Set<String> usedAccounts) {
    boolean changed = false;
    if (node instanceof Map<?, ?> map) {
      if (map.get("containers") instanceof List<?>) {
        Object account = map.get("serviceAccountName");
        if (account == null) {
          account = map.get("serviceAccount");
        }
        usedAccounts.add(account instanceof String s && !s.isEmpty() ? s : DEFAULT_ACCOUNT);
        if (podSpecs) {
          changed |= addSecrets((Map<String, Object>) map, names);
        }
      }
      for (Object value : map.values()) {
        changed |= walk(value, names, podSpecs, usedAccounts);
      }
    } else if (node instanceof List<?> list) {
      for (Object item : list) {
        changed |= walk(item, names, podSpecs, usedAccounts);
      }
    }
    return changed;
  }

  /** Adds the names missing from {@code imagePullSecrets}; returns whether any was added. */
  @SuppressWarnings("unchecked")
  private static boolean addSecrets(Map<String, Object> holder, List<String> names) {
    List<Object> current =
        holder.get("imagePullSecrets") instanceof List<?> l
            ? new ArrayList<>((List<Object>) l)
            : new ArrayList<>();
    Set<String> present = new LinkedHashSet<>();
    for (Object ref : current) {
      if (ref instanceof Map<?, ?> m && m.get("name") instanceof String n) {
        present.add(n);
      }
    }
    boolean added = false;
    for (String n : names) {
      if (present.add(n)) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("name", n);
        current.add(ref);
        added = true;
      }
    }
    if (added) {
      holder.put("imagePullSecrets", current);
    }
    return added;
  }
}
