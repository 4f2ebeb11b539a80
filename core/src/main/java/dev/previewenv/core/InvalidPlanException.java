package dev.previewenv.core;

import java.util.List;

/**
 * Bad input: a manifest that cannot be read, an object that cannot be deployed as asked, or a plan
 * that fails validation. Thrown before anything is sent to a cluster, so the cluster is unchanged.
 * {@link #problems()} lists every problem found, each naming its file/document or object.
 */
public class InvalidPlanException extends PreviewEnvException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public InvalidPlanException(String message, List<String> problems) {
    this(message, problems, null);
  }

  public InvalidPlanException(String message, List<String> problems, Throwable cause) {
    super(render(message, problems), null, null, cause);
    this.problems = List.copyOf(problems);
  }

  /** Each problem found, one line each, naming the file/document or object concerned. */
  public List<String> problems() {
    return problems;
  }

  private static String render(String message, List<String> problems) {
    if (problems.isEmpty()) {
      return message;
    }
    StringBuilder sb = new StringBuilder(message);
    for (String p : problems) {
      sb.append(System.lineSeparator()).append("  - ").append(p);
    }
    return sb.toString();
  }
}
