package dev.previewenv.junit;

import dev.previewenv.core.GitBranch;
import dev.previewenv.core.PreviewEnvException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Finds the git branch of the run: the explicit setting, then core's {@link GitBranch} (the CI
 * variables {@link #CI_VARIABLES} in order, then the checked-out branch of the git repository
 * around the working directory).
 */
final class BranchDetector {
  /** CI variables naming the branch, in the order they are consulted. */
  static final List<String> CI_VARIABLES = GitBranch.CI_VARIABLES;

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
    Optional<String> ci = GitBranch.fromCiVariables(name -> settings.variable(name).orElse(null));
    return ci.orElseGet(() -> fromGit(workingDirectory));
  }

  /** The checked-out branch of the repository containing {@code directory}. */
  static String fromGit(Path directory) {
    try {
      return GitBranch.fromGit(directory);
    } catch (PreviewEnvException e) {
      throw new ExtensionConfigurationException(e.getMessage() + " " + HOW_TO_SET, e);
    }
  }
}
