package dev.previewenv.cli;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.GitBranch;
import picocli.CommandLine.Option;

/** Which environment: the branch (default from the CI's variables, then git) and a prefix. */
final class EnvironmentOptions {
  @Option(
      names = "--branch",
      paramLabel = "<branch>",
      description =
          "The git branch the environment is named after (env PREVIEWENV_BRANCH). Default:"
              + " GITHUB_HEAD_REF, GITHUB_REF_NAME, CI_COMMIT_REF_NAME, BRANCH_NAME, then the"
              + " checked-out branch.")
  String branch;

  @Option(
      names = "--prefix",
      paramLabel = "<prefix>",
      description = "A prefix of the environment name, e.g. pr (env PREVIEWENV_PREFIX).")
  String prefix;

  /** The branch: {@code --branch}, else the CI variables, else git. */
  String branch(PreviewEnvCli.Context context) {
    if (branch != null && !branch.isBlank()) {
      return branch.strip();
    }
    return GitBranch.detect(context.env(), context.workingDirectory());
  }

  EnvironmentName environment(PreviewEnvCli.Context context) {
    return environment(branch(context));
  }

  EnvironmentName environment(String branch) {
    return EnvironmentName.forBranch(prefix == null ? "" : prefix.strip(), branch);
  }
}
