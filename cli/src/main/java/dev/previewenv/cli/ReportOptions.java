package dev.previewenv.cli;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.PreviewEnvException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the CI report goes: a JSON file shared by the pipeline's steps, and the job summary. */
final class ReportOptions {
  @Option(
      names = "--report",
      paramLabel = "<file>",
      defaultValue = "target/previewenv/report.json",
      description =
          "The JSON report; up, e2e and down add their part to the same file (env"
              + " PREVIEWENV_REPORT). Default: ${DEFAULT-VALUE}. The Markdown of this step is"
              + " appended to $GITHUB_STEP_SUMMARY when that is set.")
  Path report;

  /**
   * Merges {@code step} onto the report file and writes it; appends the step's Markdown to the job
   * summary. Prints where. A report that cannot be written is said, not fatal.
   */
  void write(PreviewEnvCli.Context context, CiReport step) {
    Path file = context.workingDirectory().resolve(report);
    try {
      CiReport merged = Files.isRegularFile(file) ? step.mergedOnto(CiReport.read(file)) : step;
      merged.write(file);
      context.out().println("Report: " + file);
      step.writeStepSummary(context.env())
          .ifPresent(summary -> context.out().println("Job summary: " + summary));
    } catch (PreviewEnvException e) {
      context.err().println("previewenv: report not written: " + e.getMessage());
    }
  }
}
