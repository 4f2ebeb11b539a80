package dev.previewenv.core;

/** How objects are sent to the cluster. */
public enum ApplyStrategy {
  /**
   * Server-side apply with field manager {@code previewenv}, forcing conflicts. What real clusters
   * should use: fields owned by controllers (e.g. replicas set by an HPA) are left alone.
   */
  SERVER_SIDE,
  /**
   * Create, or replace an existing object. For API servers without server-side apply, such as
   * fabric8's in-process test server.
   */
  CREATE_OR_UPDATE,
  /**
   * Server-side apply, falling back to create-or-update once, for the rest of the run, when the
   * server answers 415 Unsupported Media Type to the first apply.
   */
  AUTO
}
