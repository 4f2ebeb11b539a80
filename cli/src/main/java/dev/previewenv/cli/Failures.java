package dev.previewenv.cli;

import dev.previewenv.core.InvalidPlanException;
import dev.previewenv.core.PreviewEnvException;
import picocli.CommandLine;

/**
 * Turns an exception of a command into one message on stderr and an exit code: the library's
 * messages already name the object and say what to do, so no stack trace is printed.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
  private final PreviewEnvCli.Context context;

  Failures(PreviewEnvCli.Context context) {
    this.context = context;
  }

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    String command = commandLine.getCommandName();
    if (e instanceof dev.previewenv.core.ClusterUnavailableException
        || e instanceof UsageException) {
      context.err().println("previewenv " + command + ": " + e.getMessage());
      return PreviewEnvCli.USAGE;
    }
    if (e instanceof InvalidPlanException) {
      context.err().println("previewenv " + command + ": invalid plan, nothing was changed:");
      context.err().println(e.getMessage());
      return PreviewEnvCli.FAILED;
    }
    if (e instanceof PreviewEnvException || e instanceof IllegalArgumentException) {
      context.err().println("previewenv " + command + ": " + e.getMessage());
      return PreviewEnvCli.FAILED;
    }
    context.err().println("previewenv " + command + ": unexpected error: " + e);
    e.printStackTrace(context.err());
    return PreviewEnvCli.FAILED;
  }
}
