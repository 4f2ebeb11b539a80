package dev.previewenv.core.internal.transform;

import dev.previewenv.core.internal.kube.Coordinates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Places every namespaced object in {@code namespace}.
 *
 * <p>Cluster-scoped objects (the {@linkplain #KNOWN_CLUSTER_SCOPED known kinds} plus {@code
 * extraClusterScopedKinds}, matched by kind in any group) would outlive the environment and touch
 * every other environment, so they are refused, all listed in one problem, unless {@code
 * allowClusterScoped}; then they are left untouched. An object that already names a different
 * namespace is a problem unless {@code overrideNamespace}.
 *
 * @param namespace the target namespace
 * @param extraClusterScopedKinds kinds of cluster-scoped custom resources, e.g. {@code
 *     ClusterPolicy}
 */
public record NamespaceTransform(
    String namespace,
    Set<String> extraClusterScopedKinds,
    boolean allowClusterScoped,
    boolean overrideNamespace) {

  /**
   * Cluster-scoped kinds known without asking a cluster, as {@code group/Kind} (core: {@code
   * /Kind}).
   */
  public static final Set<String> KNOWN_CLUSTER_SCOPED =
      Set.of(
          "/Namespace",
          "/Node",
          "/PersistentVolume",
          "/ComponentStatus",
          "rbac.authorization.k8s.io/ClusterRole",
          "rbac.authorization.k8s.io/ClusterRoleBinding",
          "apiextensions.k8s.io/CustomResourceDefinition",
          "apiregistration.k8s.io/APIService",
          "storage.k8s.io/StorageClass",
          "storage.k8s.io/CSIDriver",
          "storage.k8s.io/CSINode",
          "storage.k8s.io/VolumeAttachment",
          "storage.k8s.io/VolumeAttributesClass",
          "scheduling.k8s.io/PriorityClass",
          "networking.k8s.io/IngressClass",
          "networking.k8s.io/IPAddress",
          "networking.k8s.io/ServiceCIDR",
          "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
          "admissionregistration.k8s.io/MutatingWebhookConfiguration",
          "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
          "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
          "admissionregistration.k8s.io/MutatingAdmissionPolicy",
          "admissionregistration.k8s.io/MutatingAdmissionPolicyBinding",
          "node.k8s.io/RuntimeClass",
          "certificates.k8s.io/CertificateSigningRequest",
          "certificates.k8s.io/ClusterTrustBundle",
          "flowcontrol.apiserver.k8s.io/FlowSchema",
          "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
          "resource.k8s.io/DeviceClass",
          "policy/PodSecurityPolicy",
          "cert-manager.io/ClusterIssuer");

  public NamespaceTransform {
    Objects.requireNonNull(namespace, "namespace");
    extraClusterScopedKinds = Set.copyOf(extraClusterScopedKinds);
  }

  /** Whether objects of this apiVersion and kind are cluster-scoped, as far as known here. */
  public boolean isClusterScoped(String apiVersion, String kind) {
    return extraClusterScopedKinds.contains(kind)
        || KNOWN_CLUSTER_SCOPED.contains(Coordinates.group(apiVersion) + "/" + kind);
  }

  public Outcome apply(List<HasMetadata> input) {
    List<HasMetadata> out = new ArrayList<>(input.size());
    List<String> clusterScoped = new ArrayList<>();
    List<String> elsewhere = new ArrayList<>();
    for (HasMetadata o : input) {
      if (isClusterScoped(o.getApiVersion(), o.getKind())) {
        if (!allowClusterScoped) {
          clusterScoped.add(o.getKind() + "/" + Coordinates.name(o));
        }
        out.add(o);
        continue;
      }
      String current = o.getMetadata() == null ? null : o.getMetadata().getNamespace();
      if (namespace.equals(current)) {
        out.add(o);
        continue;
      }
      if (current != null && !current.isEmpty() && !overrideNamespace) {
        elsewhere.add(Coordinates.describe(o) + " (namespace \"" + current + "\")");
      }
      HasMetadata copy = Resources.copy(o);
      if (copy.getMetadata() == null) {
        copy.setMetadata(new ObjectMeta());
      }
      copy.getMetadata().setNamespace(namespace);
      out.add(copy);
    }
    List<String> problems = new ArrayList<>(2);
    if (!clusterScoped.isEmpty()) {
      problems.add(
          "cluster-scoped objects cannot be placed in namespace \""
              + namespace
              + "\" and would be shared by every environment: "
              + String.join(", ", clusterScoped)
              + "; install them once outside the preview environment, or allow cluster-scoped"
              + " objects explicitly (they are then applied unchanged)");
    }
    if (!elsewhere.isEmpty()) {
      problems.add(
          "objects already name another namespace than \""
              + namespace
              + "\": "
              + String.join(", ", elsewhere)
              + "; remove metadata.namespace from them, or allow overriding the namespace");
    }
    return Outcome.of(out, problems);
  }
}
