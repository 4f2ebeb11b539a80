package dev.previewenv.core;

import java.util.Locale;

/**
 * The phases of an environment's life whose durations a {@link CiReport} shows, in the order they
 * happen.
 */
public enum Phase {
  /** Creating or adopting the namespace (and waiting for a Terminating one of an earlier run). */
  NAMESPACE,
  /** Copying secrets in, or waiting for a syncing controller to copy them. */
  SECRETS,
  /** Applying every object of the plan (secrets and owner lease included), and pruning. */
  APPLY,
  /** Waiting until the workloads and readiness checks are ready. */
  READINESS,
  /** Running the seed Jobs ({@link Plan#seeds()}) and waiting until they complete. */
  SEED,
  /** The in-cluster E2E run, from the Job's creation to its result. */
  E2E,
  /** Deleting the namespace and waiting until it is gone. */
  TEARDOWN;

  /** The phase's name in reports: lower case, e.g. {@code readiness}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The phase of a report key, case-insensitive. */
  public static Phase ofKey(String key) {
    return valueOf(key.strip().toUpperCase(Locale.ROOT));
  }
}
