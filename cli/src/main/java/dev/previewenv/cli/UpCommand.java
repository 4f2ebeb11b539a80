package dev.previewenv.cli;

import dev.previewenv.core.Access;
import dev.previewenv.core.CiReport;
import dev.previewenv.core.Cleanup;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Preview;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.RegistryCredentials;
import dev.previewenv.core.SecretSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code up}: provision (or converge) the branch's environment and leave it running. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Create or update the branch's environment: namespace, secrets, objects, readiness. Prints"
          + " one line per phase with its time, the namespace and every URL. Running it again"
          + " converges (changed objects updated, removed ones pruned).",
      "The environment stays until previewenv down, or until the janitor (previewenv gc)"
          + " collects it after its TTL. A failed up keeps it for inspection (diagnostics under"
          + " --diagnostics-dir)."
    })
final class UpCommand implements Callable<Integer> {
  private final PreviewEnvCli.Context context;

  @Mixin EnvironmentOptions environment;
  @Mixin StackOptions stack;
  @Mixin ClusterOptions cluster;
  @Mixin ReportOptions report;

  @Option(
      names = "--secret",
      split = ",",
      paramLabel = "<strategy:ns/name>",
      description =
          "A secret to bring in, e.g. copy:shared/registry-credentials (strategies copy, kubed,"
              + " reflector, replicator); repeatable (env PREVIEWENV_SECRETS).")
  List<String> secrets = new ArrayList<>();

  @Option(
      names = "--ttl",
      paramLabel = "<duration>",
      converter = Durations.class,
      description = "How long the environment lives, e.g. 4h or 90m (env PREVIEWENV_TTL).")
  Duration ttl;

  @Option(
      names = "--owner",
      paramLabel = "<id>",
      description = "The owner recorded on the namespace, e.g. a CI run id (env PREVIEWENV_OWNER).")
  String owner;

  @Option(
      names = "--on-conflict",
      paramLabel = "<policy>",
      converter = OnConflictConverter.class,
      description =
          "When another live owner holds the environment: fail (default), wait:<duration> (e.g."
              + " wait:10m) for it to finish, or take-over (env PREVIEWENV_ON_CONFLICT).")
  dev.previewenv.core.OnConflict onConflict;

  @Option(
      names = "--access",
      paramLabel = "<access>",
      converter = AccessConverter.class,
      defaultValue = "ingress",
      description =
          "ingress, port-forward or auto (env PREVIEWENV_ACCESS): with port-forward the URLs are"
              + " printed with the kubectl port-forward command that reaches each service.")
  Access access;

  @Option(
      names = "--wait",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Wait until the workloads are ready (default); --no-wait returns once applied.")
  boolean await;

  @Option(
      names = "--readiness-timeout",
      paramLabel = "<duration>",
      converter = Durations.class,
      description =
          "How long to wait for readiness; default 5m (env PREVIEWENV_READINESS_TIMEOUT).")
  Duration readinessTimeout;

  @Option(
      names = "--reseed",
      description =
          "Run the stack's seed Jobs (previewenv.dev/phase: seed) again, even where the"
              + " environment records them as done with the same spec. Default: a seed runs once"
              + " per environment, and again only when its Job changes (env PREVIEWENV_RESEED).")
  boolean reseed;

  @Option(
      names = "--diagnostics-dir",
      paramLabel = "<dir>",
      defaultValue = "target/previewenv",
      description = "Where diagnostics of a failed up go; default ${DEFAULT-VALUE}.")
  Path diagnosticsDir;

  UpCommand(PreviewEnvCli.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    EnvironmentName name = environment.environment(context);
    // the cluster is reached (a GET) while the plan is built: in a fresh JVM both are mostly
    // class loading, and two cores do them at once; nothing is written before the plan is valid
    CompletableFuture<KubernetesClient> connecting =
        CompletableFuture.supplyAsync(() -> cluster.connect(context), UpCommand::daemon);
    Plan plan;
    List<SecretSpec> secretSpecs = new ArrayList<>();
    try {
      plan = stack.plan(context, name); // bad input: nothing is sent
      for (String s : secrets) {
        try {
          secretSpecs.add(SecretSpec.parse(s));
        } catch (IllegalArgumentException e) {
          throw new UsageException("--secret: " + e.getMessage());
        }
      }
    } catch (RuntimeException | Error e) {
      connecting.thenAccept(KubernetesClient::close);
      throw e;
    }
    var out = context.out();
    out.println(
        "Environment "
            + name.value()
            + " (branch "
            + name.branch().orElse(name.value())
            + ", "
            + plan.objects().size()
            + " objects)");
    try (KubernetesClient client = connected(connecting)) {
      if (stack.pinDigests) {
        // the pull secrets' credentials are read from their source namespace; nothing is written
        plan =
            stack.plan(
                context,
                name,
                pull ->
                    pull.map(p -> RegistryCredentials.fromSecrets(client, p))
                        .orElse(RegistryCredentials.anonymous()));
        plan.pinnedImages()
            .forEach((image, digest) -> out.println("  pinned " + image + " to " + digest));
      }
      Provisioner provisioner =
          Provisioner.forClient(client)
              .withCleanup(Cleanup.NEVER)
              .withAccess(access)
              .withDiagnosticsRoot(context.workingDirectory().resolve(diagnosticsDir))
              .withSecrets(secretSpecs.toArray(SecretSpec[]::new))
              .withReseed(reseed)
              .withProgress(
                  (phase, took) ->
                      out.println(
                          String.format(
                              Locale.ROOT,
                              "  %-10s done in %.1f s",
                              phase.key(),
                              took.toMillis() / 1000.0)));
      if (onConflict != null) {
        provisioner = provisioner.withOnConflict(onConflict);
      }
      if (ttl != null) {
        provisioner = provisioner.withTtl(ttl);
      }
      if (owner != null && !owner.isBlank()) {
        provisioner = provisioner.withOwner(owner.strip());
      }
      if (!await) {
        provisioner = provisioner.withoutReadinessWait();
      } else if (readinessTimeout != null) {
        provisioner = provisioner.withReadinessTimeout(readinessTimeout);
      }
      Preview preview = provisioner.up(plan);
      try {
        out.println((await ? "Ready" : "Applied") + ": namespace " + preview.namespace());
        for (Map.Entry<String, List<URI>> e :
            new java.util.TreeMap<>(preview.urlsByService()).entrySet()) {
          for (URI url : e.getValue()) {
            out.println("  " + e.getKey() + ": " + url);
          }
          if (access != Access.INGRESS) {
            out.println(
                "    reach it with: kubectl port-forward -n "
                    + preview.namespace()
                    + " service/"
                    + e.getKey()
                    + " <local port>:<service port>");
          }
        }
      } finally {
        preview.close(); // Cleanup.NEVER: kept; the owner lease is released, the expiry counts
      }
      report.write(context, CiReport.of(preview, stack.images()));
    }
    return 0;
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "previewenv-connect");
    t.setDaemon(true);
    t.start();
  }

  /** The client, or what connecting threw, as {@code cluster.connect} throws it. */
  private static KubernetesClient connected(CompletableFuture<KubernetesClient> connecting) {
    try {
      return connecting.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
