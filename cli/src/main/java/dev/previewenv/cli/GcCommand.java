package dev.previewenv.cli;

import dev.previewenv.core.EnvironmentInfo;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Janitor;
import dev.previewenv.core.JanitorReport;
import dev.previewenv.core.Provisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gc}: the janitor, once. */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = {
      "The janitor: delete environments whose expiry passed or whose owner died (its lease was"
          + " not renewed), and, with --open-branches, those whose branch is no longer open."
          + " Never touches a namespace PreviewEnv does not manage.",
      "Exit 1 when an environment could not be judged or deleted (each is listed)."
    })
final class GcCommand implements Callable<Integer> {
  private final PreviewEnvCli.Context context;

  @Mixin ClusterOptions cluster;

  @Option(names = "--dry-run", description = "Only list what would be deleted.")
  boolean dryRun;

  @Option(
      names = "--open-branches",
      paramLabel = "<file|->",
      description =
          "A file (or - for standard input) listing the branches still open, one per line;"
              + " environments of other branches are deleted too. Blank lines and # comments are"
              + " ignored.")
  String openBranches;

  @Option(
      names = "--prefix",
      paramLabel = "<prefix>",
      description = "The prefix the environments were named with (env PREVIEWENV_PREFIX).")
  String prefix;

  GcCommand(PreviewEnvCli.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Set<String> open = openBranches == null ? null : openEnvironments();
    try (KubernetesClient client = cluster.connect(context)) {
      Janitor janitor = Provisioner.forClient(client).janitor().withDryRun(dryRun);
      if (open != null) {
        janitor = janitor.withKeep((EnvironmentInfo info) -> open.contains(info.name()));
      }
      JanitorReport result = janitor.gc(context.clock().instant());
      var out = context.out();
      for (JanitorReport.Removal r : result.removals()) {
        out.println(
            (dryRun ? "Would delete " : r.deleted() ? "Deleted " : "Not deleted ")
                + r.environment().namespace()
                + " (branch "
                + r.environment().branch().orElse("?")
                + "): "
                + r.reason());
      }
      result.problems().forEach(p -> context.err().println("Problem: " + p));
      out.println(
          (dryRun ? "Dry run: " : "")
              + result.removals().size()
              + " environment(s) selected, "
              + result.deleted().size()
              + " deleted, "
              + result.kept().size()
              + " kept, "
              + result.problems().size()
              + " problem(s).");
      return result.problems().isEmpty() ? 0 : PreviewEnvCli.FAILED;
    }
  }

  /** The environment names of the open branches. */
  private Set<String> openEnvironments() {
    Set<String> names = new HashSet<>();
    String p = prefix == null ? "" : prefix.strip();
    try (BufferedReader reader = reader()) {
      String line;
      int n = 0;
      while ((line = reader.readLine()) != null) {
        n++;
        String branch = line.strip();
        if (branch.isEmpty() || branch.startsWith("#")) {
          continue;
        }
        try {
          names.add(EnvironmentName.forBranch(p, branch).value());
        } catch (IllegalArgumentException e) {
          throw new UsageException(
              "--open-branches " + openBranches + " line " + n + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UsageException("Cannot read --open-branches " + openBranches + ": " + e);
    }
    return names;
  }

  private BufferedReader reader() throws IOException {
    if (openBranches.equals("-")) {
      return new BufferedReader(new InputStreamReader(context.in().get(), StandardCharsets.UTF_8));
    }
    Path file = context.workingDirectory().resolve(openBranches);
    if (!Files.isRegularFile(file)) {
      throw new UsageException(
          "--open-branches "
              + file
              + " does not exist; give a file with one branch per line, or -");
    }
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }
}
