package dev.previewenv.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Finds the git branch of a CI run or a working copy, the same way for the JUnit extension, the CLI
 * and the Maven plugin: the CI variables {@link #CI_VARIABLES} in order, then the checked-out
 * branch of the git repository around a directory.
 */
public final class GitBranch {
  /**
   * CI variables naming the branch, in the order they are consulted: GitHub Actions (pull request
   * head, then the ref), GitLab CI, Jenkins.
   */
  public static final List<String> CI_VARIABLES =
      List.of("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "BRANCH_NAME");

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

  private GitBranch() {}

  /** The first of {@link #CI_VARIABLES} that {@code environment} sets (non-blank), stripped. */
  public static Optional<String> fromCiVariables(UnaryOperator<String> environment) {
    for (String variable : CI_VARIABLES) {
      String value = environment.apply(variable);
      if (value != null && !value.isBlank()) {
        return Optional.of(value.strip());
      }
    }
    return Optional.empty();
  }

  /**
   * The CI variables' branch, else the checked-out branch of the repository containing {@code
   * directory}.
   *
   * @throws PreviewEnvException when neither names a branch (no CI variable, not in a repository,
   *     detached HEAD); the message says which and lists the variables
   */
  public static String detect(UnaryOperator<String> environment, Path directory) {
    return fromCiVariables(environment).orElseGet(() -> fromGit(directory));
  }

  /**
   * The checked-out branch of the repository containing {@code directory} (worktrees and submodules
   * included).
   *
   * @throws PreviewEnvException when there is no repository, HEAD is detached or unreadable
   */
  public static String fromGit(Path directory) {
    Path start = directory.toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path dotGit = dir.resolve(".git");
      if (Files.isDirectory(dotGit)) {
        return branchOf(dotGit.resolve("HEAD"));
      }
      if (Files.isRegularFile(dotGit)) {
        return branchOf(gitDirOf(dotGit).resolve("HEAD"));
      }
    }
    throw new PreviewEnvException(
        "No branch for the preview environment: none of "
            + String.join(", ", CI_VARIABLES)
            + " is set and "
            + start
            + " is not inside a git repository (no .git found in it or above).");
  }

  private static Path gitDirOf(Path dotGitFile) {
    String content = read(dotGitFile).strip();
    if (!content.startsWith("gitdir:")) {
      throw new PreviewEnvException(
          dotGitFile
              + " is a file but does not start with \"gitdir:\" (it starts with \""
              + content.substring(0, Math.min(20, content.length()))
              + "\"), so the git branch cannot be read.");
    }
    Path gitDir = Path.of(content.substring("gitdir:".length()).strip());
    return dotGitFile.getParent().resolve(gitDir).normalize();
  }

  private static String branchOf(Path head) {
    String content = read(head).strip();
    if (content.startsWith("ref:")) {
      String ref = content.substring("ref:".length()).strip();
      return ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
    }
    if (COMMIT.matcher(content).matches()) {
      throw new PreviewEnvException(
          "The git HEAD in "
              + head
              + " is detached at commit "
              + content
              + ", so it names no branch (CI systems often check out a commit); set one of "
              + String.join(", ", CI_VARIABLES)
              + " or name the branch explicitly.");
    }
    throw new PreviewEnvException(
        "Cannot read the git branch from "
            + head
            + ": expected \"ref: refs/heads/<branch>\" or a commit id.");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PreviewEnvException(
          "Cannot read " + file + " to find the git branch (" + e + ").", e);
    }
  }
}
