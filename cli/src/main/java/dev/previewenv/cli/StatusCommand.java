package dev.previewenv.cli;

import dev.previewenv.core.EnvironmentInfo;
import dev.previewenv.core.JanitorReport;
import dev.previewenv.core.Provisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code status}: every managed environment, with its state as the janitor sees it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "List the environments PreviewEnv manages: branch, owner, age, expiry and state (live;"
            + " expired or orphaned, i.e. what the janitor would collect and why; terminating).")
final class StatusCommand implements Callable<Integer> {
  private final PreviewEnvCli.Context context;

  @Mixin ClusterOptions cluster;

  StatusCommand(PreviewEnvCli.Context context) {
    this.context = context;
  }

  private record Row(EnvironmentInfo info, String state) {}

  @Override
  public Integer call() {
    try (KubernetesClient client = cluster.connect(context)) {
      Instant now = context.clock().instant();
      JanitorReport seen = Provisioner.forClient(client).janitor().withDryRun(true).gc(now);
      List<Row> rows = new ArrayList<>();
      seen.removals().forEach(r -> rows.add(new Row(r.environment(), r.reason())));
      seen.kept().forEach(i -> rows.add(new Row(i, i.terminating() ? "terminating" : "live")));
      rows.sort(Comparator.comparing(r -> r.info().namespace()));
      var out = context.out();
      out.println(
          String.format(
              Locale.ROOT,
              "%-40s %-30s %-20s %8s %-21s %s",
              "NAMESPACE",
              "BRANCH",
              "OWNER",
              "AGE",
              "EXPIRES",
              "STATE"));
      for (Row r : rows) {
        EnvironmentInfo i = r.info();
        out.println(
            String.format(
                Locale.ROOT,
                "%-40s %-30s %-20s %8s %-21s %s",
                i.namespace(),
                i.branch().orElse("?"),
                i.owner().orElse("?"),
                i.createdAt().map(c -> age(Duration.between(c, now))).orElse("?"),
                i.expiresAt().map(Instant::toString).orElse("?"),
                r.state()));
      }
      seen.problems().forEach(p -> context.err().println("Problem: " + p));
      out.println(rows.size() + " environment(s)");
      return 0;
    }
  }

  static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return (s / 60) + "m";
    }
    if (s < 172800) {
      return (s / 3600) + "h";
    }
    return (s / 86400) + "d";
  }
}
