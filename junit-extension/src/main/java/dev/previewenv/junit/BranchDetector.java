package dev.previewenv.junit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Finds the git branch of the run: the explicit setting, then the CI variables {@link
 * #CI_VARIABLES} in order, then the checked-out branch of the git repository around the working
 * directory.
 */
final class BranchDetector {
  /** CI variables naming the branch, in the order they are consulted. */
  static final List<String> CI_VARIABLES =
      List.of("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "BRANCH_NAME");

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");
  private static final String HOW_TO_SET =
      "Set the branch with @PreviewEnvironment(branch = \"...\"), -D"
          + PreviewEnvironment.BRANCH
          + "=<branch> or the environment variable "
          + Settings.environmentName(PreviewEnvironment.BRANCH);

  private BranchDetector() {}

  /**
   * The branch: {@code explicit} when present, else from CI variables, else from git.
   *
   * @throws ExtensionConfigurationException when no source names a branch
   */
  static String detect(Optional<String> explicit, Settings settings, Path workingDirectory) {
    if (explicit.isPresent()) {
      return explicit.get();
    }
    for (String variable : CI_VARIABLES) {
      Optional<String> value = settings.variable(variable);
      if (value.isPresent()) {
        return value.get();
      }
    }
    return fromGit(workingDirectory.toAbsolutePath().normalize());
  }

  /** The checked-out branch of the repository containing {@code directory}. */
  static String fromGit(Path directory) {
    for (Path dir = directory; dir != null; dir = dir.getParent()) {
      Path dotGit = dir.resolve(".git");
      if (Files.isDirectory(dotGit)) {
        return branchOf(dotGit.resolve("HEAD"));
      }
      if (Files.isRegularFile(dotGit)) {
        return branchOf(gitDirOf(dotGit).resolve("HEAD"));
      }
    }
    throw new ExtensionConfigurationException(
        "No branch for the preview environment: none of "
            + String.join(", ", CI_VARIABLES)
            + " is set and "
            + directory
            + " is not inside a git repository (no .git found in it or above). "
            + HOW_TO_SET);
  }

  /** A worktree's or submodule's {@code .git} file: {@code gitdir: <path>}. */
  private static Path gitDirOf(Path dotGitFile) {
    String content = read(dotGitFile).strip();
    if (!content.startsWith("gitdir:")) {
      throw new ExtensionConfigurationException(
          dotGitFile
              + " is a file but does not start with \"gitdir:\" (it starts with \""
              + content.substring(0, Math.min(20, content.length()))
              + "\"), so the git branch cannot be read. "
              + HOW_TO_SET);
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
      throw new ExtensionConfigurationException(
          "The git HEAD in "
              + head
              + " is detached at commit "
              + content
              + ", so it names no branch (CI systems often check out a commit). "
              + HOW_TO_SET
              + ", or set one of "
              + String.join(", ", CI_VARIABLES));
    }
    throw new ExtensionConfigurationException(
        "Cannot read the git branch from "
            + head
            + ": expected \"ref: refs/heads/<branch>\" or a commit id. "
            + HOW_TO_SET);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ExtensionConfigurationException(
          "Cannot read " + file + " to find the git branch (" + e + "). " + HOW_TO_SET, e);
    }
  }
}
