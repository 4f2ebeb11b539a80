package dev.previewenv.core;

/**
 * How teardown ({@link Preview#close()}, {@link Provisioner#down}) deletes an environment's
 * namespace. Kubernetes deletes a namespace asynchronously: it stays {@code Terminating} until the
 * namespace controller has removed everything in it (pods get their grace period, finalizers must
 * be removed by their controllers).
 */
public enum Teardown {
  /**
   * Delete the namespace and wait until it is gone, logging every few seconds what still
   * terminates; a deletion stuck past the wait timeout fails naming the conditions and finalizers
   * that block. Use it where the next step needs the namespace gone (the same branch is provisioned
   * again right after, a quota counts it) and to see a stuck deletion as a failure.
   */
  WAIT,
  /**
   * Ask the API server to delete the namespace and return at once. The namespace controller
   * finishes the deletion; a namespace still there after its expiry is deleted again by the {@link
   * Janitor}. Use it in CI, where waiting 15-30 s for pods' grace periods only delays the job.
   */
  REQUEST
}
