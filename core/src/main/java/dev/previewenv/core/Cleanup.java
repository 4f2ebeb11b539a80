package dev.previewenv.core;

/**
 * When {@link Preview#close()} deletes the environment. An environment that is kept still carries
 * its {@code previewenv.dev/expires-at} annotation, so the {@link Janitor} removes it later.
 */
public enum Cleanup {
  /** Always delete the environment on close. */
  ALWAYS,
  /**
   * Delete on close unless {@link Preview#markFailed()} was called (or {@code up} failed), so a
   * failed run can be inspected.
   */
  ON_SUCCESS,
  /** Never delete on close; the janitor or the user removes it. */
  NEVER
}
