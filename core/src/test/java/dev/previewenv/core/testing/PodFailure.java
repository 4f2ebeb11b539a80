package dev.previewenv.core.testing;

/**
 * How the simulated kubelet or scheduler fails a pod whose image matches a configured pattern (see
 * {@link SimulatorOptions.Builder#failing}). Reasons and messages follow the real components.
 */
public enum PodFailure {
  /** Pending; container waiting {@code ImagePullBackOff}; Warning events {@code Failed}. */
  IMAGE_PULL_BACK_OFF,
  /** Pending; container waiting {@code ErrImagePull}; Warning event {@code Failed}. */
  ERR_IMAGE_PULL,
  /** Pending; container waiting {@code InvalidImageName}; Warning event {@code InspectFailed}. */
  INVALID_IMAGE_NAME,
  /**
   * Pending; container waiting {@code ErrImageNeverPull}; Warning event {@code ErrImageNeverPull}.
   */
  ERR_IMAGE_NEVER_PULL,
  /**
   * Pending; container waiting {@code CreateContainerConfigError} (e.g. a missing ConfigMap);
   * Warning event {@code Failed}.
   */
  CREATE_CONTAINER_CONFIG_ERROR,
  /**
   * Pending; container waiting {@code CreateContainerConfigError} with the kubelet's transient
   * message {@code failed to sync configmap cache: timed out waiting for the condition}; Warning
   * event {@code Failed}. After {@link SimulatorOptions#retryInterval()} the kubelet's retry
   * succeeds and the pod starts as usual (zero: it never retries).
   */
  TRANSIENT_CONFIG_ERROR,
  /**
   * Running, not ready; container waiting {@code CrashLoopBackOff}, restartCount 3, lastState
   * terminated with exit code 1; a previous log; Warning event {@code BackOff}.
   */
  CRASH_LOOP_BACK_OFF,
  /**
   * Pending and unscheduled: condition PodScheduled=False reason Unschedulable; a Warning event
   * {@code FailedScheduling} whose count grows every {@link SimulatorOptions#retryInterval()}.
   */
  UNSCHEDULABLE,
  /**
   * Pending; container waiting {@code ContainerCreating}; a Warning event {@code FailedMount} whose
   * count grows every {@link SimulatorOptions#retryInterval()}.
   */
  FAILED_MOUNT,
  /**
   * A real 1.20 kubelet whose watches to the API server are still reconnecting (after an API server
   * restart): Pending, container waiting {@code ContainerCreating}, a Warning event {@code
   * FailedMount} "failed to sync secret cache: timed out waiting for the condition" whose count
   * grows every {@link SimulatorOptions#retryInterval()}; after {@link
   * SimulatorOptions#maxEventCount()} retries the cache has synced and the pod runs.
   */
  TRANSIENT_MOUNT_ERROR,
  /**
   * Running, container running but not ready (a failing readiness probe); Warning event {@code
   * Unhealthy}. Not a fail-fast state: waits for it end by timeout.
   */
  READINESS_PROBE_FAILING,
  /** Pending forever; container waiting {@code ContainerCreating}; no event. */
  STUCK_CREATING
}
