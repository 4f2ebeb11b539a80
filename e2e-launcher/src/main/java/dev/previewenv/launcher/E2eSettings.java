package dev.previewenv.launcher;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link E2eMain} runs and where it reports, read from environment variables.
 *
 * @param select packages or fully qualified class names ({@code PREVIEWENV_E2E_SELECT}, comma
 *     separated); empty: every test class in the directories of the class path (Jib's {@code
 *     /app/classes}, and {@code /app/test-classes} where the image adds the test classes there)
 * @param includeTags tag expressions a test must match ({@code PREVIEWENV_E2E_INCLUDE_TAGS})
 * @param excludeTags tag expressions that exclude a test ({@code PREVIEWENV_E2E_EXCLUDE_TAGS})
 * @param resultsDir where the JUnit XML goes ({@code PREVIEWENV_E2E_RESULTS}, default {@code
 *     /results})
 * @param terminationLog where the JSON summary goes ({@code PREVIEWENV_TERMINATION_LOG}, default
 *     {@code /dev/termination-log}, Kubernetes' termination-message path)
 * @param artifactsDir the folder whose files are handed back to the host ({@code
 *     PREVIEWENV_E2E_ARTIFACTS}, default {@code <resultsDir>/artifacts}); the suite finds it in the
 *     system property {@value #ARTIFACTS_PROPERTY}
 * @param artifactLimit the most bytes of artifacts handed back ({@code
 *     PREVIEWENV_E2E_ARTIFACT_LIMIT}, bytes or with a {@code k}/{@code m} suffix; default {@value
 *     #DEFAULT_ARTIFACT_LIMIT} bytes: the kubelet keeps about 10 MiB of log per container, and
 *     Base64 adds a third)
 */
public record E2eSettings(
    List<String> select,
    List<String> includeTags,
    List<String> excludeTags,
    Path resultsDir,
    Path terminationLog,
    Path artifactsDir,
    long artifactLimit) {

  /** The system property that tells the suite where to write its artifacts. */
  public static final String ARTIFACTS_PROPERTY = "previewenv.e2e.artifacts";

  /** The default artifact limit: 4 MiB. */
  public static final long DEFAULT_ARTIFACT_LIMIT = 4L << 20;

  /** Copies the lists and checks that nothing is missing. */
  public E2eSettings {
    select = List.copyOf(select);
    includeTags = List.copyOf(includeTags);
    excludeTags = List.copyOf(excludeTags);
    Objects.requireNonNull(resultsDir, "resultsDir");
    Objects.requireNonNull(terminationLog, "terminationLog");
    Objects.requireNonNull(artifactsDir, "artifactsDir");
    if (artifactLimit < 0) {
      throw new IllegalArgumentException(
          "PREVIEWENV_E2E_ARTIFACT_LIMIT must not be negative, was " + artifactLimit);
    }
  }

  /** The settings before artifacts: artifacts in {@code <resultsDir>/artifacts}, 4 MiB. */
  public E2eSettings(
      List<String> select,
      List<String> includeTags,
      List<String> excludeTags,
      Path resultsDir,
      Path terminationLog) {
    this(
        select,
        includeTags,
        excludeTags,
        resultsDir,
        terminationLog,
        resultsDir.resolve("artifacts"),
        DEFAULT_ARTIFACT_LIMIT);
  }

  /** Reads the settings from {@code env} (usually {@link System#getenv()}). */
  public static E2eSettings fromEnv(Map<String, String> env) {
    Path results = Path.of(orDefault(env.get("PREVIEWENV_E2E_RESULTS"), "/results"));
    String artifacts = env.get("PREVIEWENV_E2E_ARTIFACTS");
    return new E2eSettings(
        list(env.get("PREVIEWENV_E2E_SELECT")),
        list(env.get("PREVIEWENV_E2E_INCLUDE_TAGS")),
        list(env.get("PREVIEWENV_E2E_EXCLUDE_TAGS")),
        results,
        Path.of(orDefault(env.get("PREVIEWENV_TERMINATION_LOG"), "/dev/termination-log")),
        artifacts == null || artifacts.isBlank()
            ? results.resolve("artifacts")
            : Path.of(artifacts.trim()),
        size(env.get("PREVIEWENV_E2E_ARTIFACT_LIMIT")));
  }

  private static long size(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_ARTIFACT_LIMIT;
    }
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    if (v.endsWith("k")) {
      unit = 1024;
    } else if (v.endsWith("m")) {
      unit = 1024 * 1024;
    }
    try {
      return Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1).trim()) * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "PREVIEWENV_E2E_ARTIFACT_LIMIT must be a number of bytes, optionally with k or m"
              + " (e.g. 4m), was: "
              + value);
    }
  }

  private static List<String> list(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
