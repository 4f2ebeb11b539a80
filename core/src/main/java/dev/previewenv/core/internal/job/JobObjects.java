package dev.previewenv.core.internal.job;

import dev.previewenv.core.internal.kube.Keys;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The objects of one E2E run: ServiceAccount, Role, RoleBinding and Job, shaped for the server's
 * version. Pure: builds, sends nothing.
 *
 * @param omitted what was left out for the server's version, and why (for a DEBUG line)
 */
public record JobObjects(
    ServiceAccount serviceAccount,
    Role role,
    RoleBinding roleBinding,
    Job job,
    List<String> omitted) {

  /** The container's name in the Job's pod. */
  public static final String CONTAINER = "e2e";

  /** Exit code of the suite's main when some test failed. */
  public static final int EXIT_TESTS_FAILED = 1;

  /** The Role's rules: read-only access to what the suite inspects, in this namespace only. */
  public static List<PolicyRule> roleRules() {
    List<String> read = List.of("get", "list", "watch");
    return List.of(
        new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("pods", "services", "endpoints", "configmaps")
            .withVerbs(read)
            .build(),
        new PolicyRuleBuilder()
            .withApiGroups("networking.k8s.io")
            .withResources("ingresses")
            .withVerbs(read)
            .build());
  }

  /** Builds the objects of a run of {@code spec} named {@code jobName} in {@code namespace}. */
  public static JobObjects build(
      E2eRunSpec spec,
      String namespace,
      String jobName,
      Map<String, String> env,
      Optional<ServerVersion> version,
      String versionProblem) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Keys.MANAGED_BY, Keys.MANAGED_BY_VALUE);
    labels.put("app.kubernetes.io/component", "e2e");
    String sa = E2eRunSpec.SERVICE_ACCOUNT;
    ServiceAccount serviceAccount =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName(sa)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withImagePullSecrets(
                spec.pullSecrets().stream()
                    .map(n -> new io.fabric8.kubernetes.api.model.LocalObjectReference(n))
                    .toList())
            .build();
    Role role =
        new RoleBuilder()
            .withNewMetadata()
            .withName(sa)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withRules(roleRules())
            .build();
    RoleBinding binding =
        new RoleBindingBuilder()
            .withNewMetadata()
            .withName(sa)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withNewRoleRef("rbac.authorization.k8s.io", "Role", sa)
            .addNewSubject()
            .withKind("ServiceAccount")
            .withName(sa)
            .withNamespace(namespace)
            .endSubject()
            .build();

    List<EnvVar> envVars = new ArrayList<>();
    env.forEach((k, v) -> envVars.add(new EnvVar(k, v, null)));
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(spec.image())
            .withEnv(envVars)
            .withTerminationMessagePath("/dev/termination-log")
            .withTerminationMessagePolicy("File");
    spec.imagePullPolicy().ifPresent(container::withImagePullPolicy);
    spec.resources().ifPresent(container::withResources);
    if (!spec.command().isEmpty()) {
      container.withCommand(spec.command());
    }

    Map<String, String> podLabels = new LinkedHashMap<>(labels);
    podLabels.put(Keys.E2E_JOB, jobName);
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName(jobName)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(0)
            .withActiveDeadlineSeconds(spec.activeDeadline().getSeconds())
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(podLabels)
            .withAnnotations(Map.of(E2eRunSpec.SAFE_TO_EVICT, "false"))
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withServiceAccountName(sa)
            .withContainers(container.build())
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();

    List<String> omitted = new ArrayList<>();
    JobSpec js = job.getSpec();
    String seen =
        version.map(v -> "server " + v).orElse("server version unknown (" + versionProblem + ")");
    if (version.filter(v -> v.atLeast(1, 26)).isPresent()) {
      js.setPodFailurePolicy(podFailurePolicy());
    } else {
      omitted.add(
          "podFailurePolicy omitted: "
              + seen
              + "; it exists from Kubernetes 1.26 (alpha and off by default in 1.25). Without it"
              + " an evicted pod fails the Job (backoffLimit 0) instead of being replaced");
    }
    long ttl = spec.ttlAfterFinished().getSeconds();
    if (version.filter(v -> v.atLeast(1, 21)).isPresent()) {
      js.setTtlSecondsAfterFinished((int) Math.min(Integer.MAX_VALUE, ttl));
    } else if (spec.ttlOnOldServers()) {
      js.setTtlSecondsAfterFinished((int) Math.min(Integer.MAX_VALUE, ttl));
      omitted.add(
          "ttlSecondsAfterFinished set although "
              + seen
              + " predates 1.21 (alpha, needs the TTLAfterFinished feature gate): forced by"
              + " withTtlOnOldServers(true)");
    } else {
      omitted.add(
          "ttlSecondsAfterFinished omitted: "
              + seen
              + "; before 1.21 it is alpha behind the TTLAfterFinished feature gate. The Job"
              + " stays until the namespace is deleted; force it with withTtlOnOldServers(true)");
    }
    return new JobObjects(serviceAccount, role, binding, job, List.copyOf(omitted));
  }

  /** Exit code 1 (tests failed) fails the Job at once; a disruption (eviction) is not counted. */
  static PodFailurePolicy podFailurePolicy() {
    return new PodFailurePolicyBuilder()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(CONTAINER)
        .withOperator("In")
        .withValues(EXIT_TESTS_FAILED)
        .endOnExitCodes()
        .endRule()
        .addNewRule()
        .withAction("Ignore")
        .addNewOnPodCondition()
        .withType("DisruptionTarget")
        .withStatus("True")
        .endOnPodCondition()
        .endRule()
        .build();
  }
}
