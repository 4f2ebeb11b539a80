package dev.previewenv.core;

import java.util.Arrays;

/**
 * A container's {@code imagePullPolicy}. Which one fits depends on the image, not on PreviewEnv:
 * {@link #ALWAYS} for a tag that moves (a branch tag such as {@code pr-42}), {@link
 * #IF_NOT_PRESENT} for an immutable tag or a digest, {@link #NEVER} only where the nodes are fed
 * images directly (kind/k3s side-loading, a build machine's local engine).
 */
public enum PullPolicy {
  ALWAYS("Always"),
  IF_NOT_PRESENT("IfNotPresent"),
  NEVER("Never");

  private final String value;

  PullPolicy(String value) {
    this.value = value;
  }

  /** The value as Kubernetes writes it, e.g. {@code IfNotPresent}. */
  public String value() {
    return value;
  }

  /**
   * Reads {@code Always}, {@code IfNotPresent} or {@code Never}; case and {@code -}/{@code _} are
   * ignored ({@code if-not-present} works too).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static PullPolicy parse(String text) {
    String key = text == null ? "" : text.strip().replace("-", "").replace("_", "");
    for (PullPolicy p : values()) {
      if (p.value.equalsIgnoreCase(key)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "Image pull policy \""
            + text
            + "\" is not one of "
            + Arrays.stream(values()).map(PullPolicy::value).toList()
            + " (Kubernetes' imagePullPolicy values; e.g. Always for a moving tag, IfNotPresent"
            + " for a digest)");
  }

  /** The Kubernetes value, e.g. {@code IfNotPresent}. */
  @Override
  public String toString() {
    return value;
  }
}
