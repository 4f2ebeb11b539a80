package dev.previewenv.core;

import java.util.Objects;

/**
 * The environment is held by another live owner, and the {@link OnConflict} policy did not let this
 * owner have it. Nothing was changed on the cluster. {@link #holder()} names who holds it and since
 * when.
 */
public final class OwnerConflictException extends PreviewEnvException {
  private static final long serialVersionUID = 1L;

  private final transient EnvironmentHolder holder;

  public OwnerConflictException(String message, String environment, EnvironmentHolder holder) {
    super(message, environment, "Namespace/" + environment, null);
    this.holder = Objects.requireNonNull(holder, "holder");
  }

  /** The live owner holding the environment. */
  public EnvironmentHolder holder() {
    return holder;
  }
}
