package dev.previewenv.core.internal.job;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one E2E Job run is made of, as {@code dev.previewenv.core.E2eJob} configured it: the values
 * the Job's objects and the runner need, and the names of the variables the suite reads. The runner
 * below depends on this record only, never on the public {@code E2eJob} above it.
 */
public record E2eRunSpec(
    String image,
    String namePrefix,
    Map<String, URI> serviceUrls,
    Map<String, String> env,
    List<String> command,
    Optional<String> select,
    Optional<String> includeTags,
    Optional<String> excludeTags,
    Optional<String> imagePullPolicy,
    List<String> pullSecrets,
    Duration activeDeadline,
    Duration ttlAfterFinished,
    boolean ttlOnOldServers,
    Optional<ResourceRequirements> resources,
    Duration timeout) {

  /** The name of the ServiceAccount, Role and RoleBinding the suite runs with. */
  public static final String SERVICE_ACCOUNT = "previewenv-e2e";

  /** The namespace of the environment. */
  public static final String ENV_NAMESPACE = "PREVIEWENV_NAMESPACE";

  /** Prefix of the per-service URL variables. */
  public static final String ENV_SERVICE_URL_PREFIX = "PREVIEWENV_SERVICE_URL_";

  /** Which tests to run (classes, packages or methods; as the suite's main understands it). */
  public static final String ENV_SELECT = "PREVIEWENV_E2E_SELECT";

  /** Tag expression of tests to include. */
  public static final String ENV_INCLUDE_TAGS = "PREVIEWENV_E2E_INCLUDE_TAGS";

  /** Tag expression of tests to exclude. */
  public static final String ENV_EXCLUDE_TAGS = "PREVIEWENV_E2E_EXCLUDE_TAGS";

  /** The pod annotation that keeps the cluster autoscaler from evicting the suite. */
  public static final String SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";

  /**
   * The name of the variable carrying {@code service}'s URL: {@code PREVIEWENV_SERVICE_URL_} plus
   * the name in upper case with {@code -} and {@code .} replaced by {@code _}.
   */
  public static String serviceEnvName(String service) {
    if (service == null || !service.matches("[A-Za-z0-9]([-.A-Za-z0-9_]*[A-Za-z0-9])?")) {
      throw new IllegalArgumentException(
          "A service name must be letters, digits, '-', '.', '_', was: " + service);
    }
    return ENV_SERVICE_URL_PREFIX
        + service.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }
}
