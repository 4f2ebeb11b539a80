package dev.previewenv.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a namespace managed by PreviewEnv says about its environment, read from its labels and
 * annotations. Dates that are missing or cannot be parsed are empty.
 *
 * @param name the environment name (label {@code previewenv.dev/environment})
 * @param namespace the namespace
 * @param branch the raw git branch, when recorded
 * @param owner the owner or CI run id, when recorded
 * @param createdAt when the environment was created
 * @param expiresAt when the janitor may delete it
 * @param terminating whether the namespace is already being deleted
 */
public record EnvironmentInfo(
    String name,
    String namespace,
    Optional<String> branch,
    Optional<String> owner,
    Optional<Instant> createdAt,
    Optional<Instant> expiresAt,
    boolean terminating) {
  public EnvironmentInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
