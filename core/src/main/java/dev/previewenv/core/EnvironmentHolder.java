package dev.previewenv.core;

import java.time.Instant;
import java.util.Objects;

/**
 * The live owner of an environment, as recorded on the cluster: its holder identity ({@code
 * <owner>@<host>:<pid>}), since when it holds the environment, and until when its current lease
 * renewal is valid.
 *
 * @param identity the holder identity, as in the Lease {@code previewenv-owner}
 * @param since when this holder took the environment
 * @param validUntil when its lease expires unless renewed again
 */
public record EnvironmentHolder(String identity, Instant since, Instant validUntil) {
  public EnvironmentHolder {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(validUntil, "validUntil");
  }
}
