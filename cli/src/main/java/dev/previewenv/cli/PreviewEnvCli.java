package dev.previewenv.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code previewenv} command for pipelines, on any stack: {@code plan}, {@code up}, {@code
 * e2e}, {@code down}, {@code gc}, {@code status}. Commands only parse their options (flags, or the
 * environment variables of the same settings the JUnit extension reads, e.g. {@code
 * PREVIEWENV_IMAGES}) and call the library.
 *
 * <p>Exit codes: 0 done; 1 failed (an invalid plan, a failed provisioning, failed E2E tests; the
 * message says why); 2 wrong usage, no cluster, or an E2E run without a verdict.
 *
 * <pre>
 * java -jar previewenv-cli-all.jar up --manifests kustomize:deploy/overlays/preview \
 *     --image api=registry.example.com/api:sha-1f2e
 * </pre>
 */
@Command(
    name = "previewenv",
    mixinStandardHelpOptions = true,
    versionProvider = PreviewEnvCli.Version.class,
    description = {
      "Preview environments per git branch on Kubernetes: plan, provision, run the in-cluster E2E"
          + " suite, tear down, collect what expired.",
      "Every option can also be given as an environment variable (PREVIEWENV_<SETTING>, e.g."
          + " PREVIEWENV_IMAGES, PREVIEWENV_MANIFESTS, PREVIEWENV_KUBECONFIG)."
    },
    subcommands = {CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:failed (invalid plan, provisioning failed, E2E tests failed)",
      "2:wrong usage, no cluster, or an E2E run without a verdict"
    })
public final class PreviewEnvCli implements Runnable {
  /** Exit code of a failure the message explains. */
  static final int FAILED = 1;

  /** Exit code of wrong usage, a missing cluster, or an E2E run without a verdict. */
  static final int USAGE = 2;

  private final Context context;

  PreviewEnvCli(Context context) {
    this.context = context;
  }

  /** What every command gets from outside: the environment, the cluster, the output, the clock. */
  record Context(
      UnaryOperator<String> env,
      java.util.function.Supplier<java.io.InputStream> in,
      Connector connector,
      PrintWriter out,
      PrintWriter err,
      Path workingDirectory,
      Clock clock) {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    Context context =
        new Context(
            System::getenv,
            () -> System.in,
            Connector.kubeconfig(System::getenv),
            out,
            err,
            Path.of(System.getProperty("user.dir")),
            Clock.systemUTC());
    Thread command = Thread.currentThread();
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(command, finished, err), "stop"));
    int code = run(context, args);
    finished.countDown();
    System.exit(code);
  }

  /** How long a command may take to clean up after SIGTERM or Ctrl-C before the JVM ends. */
  static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(20);

  /**
   * On SIGTERM or Ctrl-C while a command runs (a cancelled pipeline): interrupts it and gives it
   * {@link #STOP_GRACE} to clean up, so an interrupted {@code up} releases the environment's owner
   * lease and the next pipeline's {@code up} is not refused for the lease's duration.
   */
  static void stop(Thread command, java.util.concurrent.CountDownLatch finished, PrintWriter err) {
    if (finished.getCount() == 0) {
      return; // ended normally: System.exit runs the hooks
    }
    err.println(
        "previewenv: stopping (SIGTERM or Ctrl-C): the command is interrupted and releases what it"
            + " holds; waiting up to "
            + STOP_GRACE.toSeconds()
            + " s");
    command.interrupt();
    try {
      finished.await(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code args} with {@code context}; returns the exit code. */
  static int run(Context context, String... args) {
    return commandLine(context).execute(args);
  }

  static CommandLine commandLine(Context context) {
    CommandLine cl = new CommandLine(new PreviewEnvCli(context));
    cl.addSubcommand(new PlanCommand(context));
    cl.addSubcommand(new UpCommand(context));
    cl.addSubcommand(new E2eCommand(context));
    cl.addSubcommand(new DownCommand(context));
    cl.addSubcommand(new GcCommand(context));
    cl.addSubcommand(new StatusCommand(context));
    cl.addSubcommand(new CdsCommand(context));
    cl.setOut(context.out());
    cl.setErr(context.err());
    cl.setDefaultValueProvider(new EnvironmentDefaults(context.env()));
    cl.setExecutionExceptionHandler(new Failures(context));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  @Override
  public void run() {
    // no subcommand: the usage
    new CommandLine(this).usage(context.out());
  }

  /** The version of the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = PreviewEnvCli.class.getPackage().getImplementationVersion();
      return new String[] {"previewenv " + (v == null ? "(development build)" : v)};
    }
  }
}
