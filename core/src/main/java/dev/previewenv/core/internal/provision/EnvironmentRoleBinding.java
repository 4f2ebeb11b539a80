package dev.previewenv.core.internal.provision;

import dev.previewenv.core.PreflightReport;
import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.rbac.SelfSubjectAccessReviewer;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RoleBinding {@value #NAME} that grants the environment ClusterRole to the identity running
 * PreviewEnv inside one environment namespace, made right after the namespace. Creating it needs
 * {@code create rolebindings} and {@code bind} on that one ClusterRole (the escalation check), not
 * the rights the role grants.
 */
public final class EnvironmentRoleBinding {
  private static final Logger log = LoggerFactory.getLogger(EnvironmentRoleBinding.class);

  /** The name of the RoleBinding in every environment namespace. */
  public static final String NAME = "previewenv-environment";

  /** How long the authorizer may take to honour a new binding. */
  private static final Duration PROPAGATION = Duration.ofSeconds(5);

  private EnvironmentRoleBinding() {}

  /**
   * Creates (or updates) the binding and waits, at most {@code timeout}, until the API server's
   * authorizer honours it (RBAC changes have no watchable readiness: a bounded
   * SelfSubjectAccessReview poll, usually answered yes at once).
   */
  public static void ensure(
      KubernetesClient client,
      Retry retry,
      String namespace,
      String environment,
      String clusterRole,
      String saNamespace,
      String saName,
      Duration timeout) {
    RoleBinding rb =
        new RoleBindingBuilder()
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(namespace)
            .withLabels(Keys.labels(environment))
            .endMetadata()
            .withNewRoleRef()
            .withApiGroup("rbac.authorization.k8s.io")
            .withKind("ClusterRole")
            .withName(clusterRole)
            .endRoleRef()
            .addNewSubject()
            .withKind("ServiceAccount")
            .withNamespace(saNamespace)
            .withName(saName)
            .endSubject()
            .build();
    retry.call(
        new Retry.Op("create", "rbac.authorization.k8s.io", "rolebindings", namespace, NAME),
        () -> client.resource(rb).createOr(NonDeletingOperation::update));
    SelfSubjectAccessReviewer reviewer = SelfSubjectAccessReviewer.of(client, retry);
    // the owner lease is the first thing sent into the namespace: its rule proves the binding
    PreflightReport.Permission probe =
        new PreflightReport.Permission("get", "coordination.k8s.io", "leases", namespace);
    Duration bound = timeout.compareTo(PROPAGATION) < 0 ? timeout : PROPAGATION;
    long deadline = System.nanoTime() + bound.toNanos();
    long pause = TimeUnit.MILLISECONDS.toNanos(50);
    while (!reviewer.allowed(probe)) {
      if (System.nanoTime() > deadline) {
        throw new PreviewEnvException(
            "The API server refused to get leases in namespace "
                + namespace
                + " (403 Forbidden) "
                + bound
                + " after RoleBinding "
                + namespace
                + "/"
                + NAME
                + " bound ClusterRole "
                + clusterRole
                + " to ServiceAccount "
                + saNamespace
                + "/"
                + saName
                + ": that ClusterRole lacks the RBAC rule {"
                + probe.rule()
                + "}, or the ServiceAccount is not the identity running PreviewEnv. Add the rule"
                + " (see dev/previewenv/rbac/previewenv-rbac.yaml in previewenv-core)",
            environment,
            "RoleBinding/" + namespace + "/" + NAME,
            null);
      }
      LockSupport.parkNanos(pause); // no watchable signal for the authorizer's cache
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(500));
    }
    log.debug(
        "RoleBinding {}/{} grants {} to {}/{}", namespace, NAME, clusterRole, saNamespace, saName);
  }
}
