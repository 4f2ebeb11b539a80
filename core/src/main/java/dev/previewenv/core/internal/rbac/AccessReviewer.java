package dev.previewenv.core.internal.rbac;

import dev.previewenv.core.PreflightReport.Permission;

/** Answers whether the identity running PreviewEnv holds a permission. Thread-safe. */
@FunctionalInterface
public interface AccessReviewer {

  /** Whether {@code permission} is granted. */
  boolean allowed(Permission permission);
}
