package dev.previewenv.e2eimage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link E2eMain} runs and where it reports, read from environment variables.
 *
 * @param select packages or fully qualified class names ({@code PREVIEWENV_E2E_SELECT}, comma
 *     separated; default {@value #DEFAULT_PACKAGE})
 * @param includeTags tag expressions a test must match ({@code PREVIEWENV_E2E_INCLUDE_TAGS})
 * @param excludeTags tag expressions that exclude a test ({@code PREVIEWENV_E2E_EXCLUDE_TAGS})
 * @param resultsDir where the JUnit XML goes ({@code PREVIEWENV_E2E_RESULTS}, default {@code
 *     /results})
 * @param terminationLog where the JSON summary goes ({@code PREVIEWENV_TERMINATION_LOG}, default
 *     {@code /dev/termination-log}, Kubernetes' termination-message path)
 */
public record E2eSettings(
    List<String> select,
    List<String> includeTags,
    List<String> excludeTags,
    Path resultsDir,
    Path terminationLog) {

  /** The package selected when {@code PREVIEWENV_E2E_SELECT} is not set. */
  public static final String DEFAULT_PACKAGE = "dev.previewenv.e2e";

  /** Copies the lists and checks that nothing is missing. */
  public E2eSettings {
    select = List.copyOf(select);
    includeTags = List.copyOf(includeTags);
    excludeTags = List.copyOf(excludeTags);
    Objects.requireNonNull(resultsDir, "resultsDir");
    Objects.requireNonNull(terminationLog, "terminationLog");
    if (select.isEmpty()) {
      throw new IllegalArgumentException(
          "nothing selected: PREVIEWENV_E2E_SELECT must name a package or classes");
    }
  }

  /** Reads the settings from {@code env} (usually {@link System#getenv()}). */
  public static E2eSettings fromEnv(Map<String, String> env) {
    List<String> select = list(env.get("PREVIEWENV_E2E_SELECT"));
    return new E2eSettings(
        select.isEmpty() ? List.of(DEFAULT_PACKAGE) : select,
        list(env.get("PREVIEWENV_E2E_INCLUDE_TAGS")),
        list(env.get("PREVIEWENV_E2E_EXCLUDE_TAGS")),
        Path.of(orDefault(env.get("PREVIEWENV_E2E_RESULTS"), "/results")),
        Path.of(orDefault(env.get("PREVIEWENV_TERMINATION_LOG"), "/dev/termination-log")));
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
