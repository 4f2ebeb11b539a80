package dev.previewenv.examples;

import dev.previewenv.examples.load.LoadHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed command line of {@link LoadCli}. Parsing checks everything; running checks nothing.
 */
sealed interface CliArgs {

  /** What every command that talks to a cluster takes. */
  record Cluster(Optional<Path> kubeconfig, Optional<String> context, Optional<Path> deploy) {}

  /**
   * {@code load <branch> [--requests N] [--concurrency C] [--images a=b,...] [--secret-source ns]}.
   */
  record Load(
      String branch,
      int requests,
      int concurrency,
      List<String> images,
      String secretSource,
      Cluster cluster)
      implements CliArgs {
    public Load {
      images = List.copyOf(images);
    }
  }

  /** Where the stack's Secret shop-db is copied from unless --secret-source says otherwise. */
  String DEFAULT_SECRET_SOURCE = "previewenv-shop";

  /** {@code help}, {@code --help}, {@code -h}. */
  record Help() implements CliArgs {}

  /** Default number of requests of {@code load}. */
  int DEFAULT_REQUESTS = 500;

  /** Default concurrency of {@code load}. */
  int DEFAULT_CONCURRENCY = 8;

  String USAGE =
      String.join(
          System.lineSeparator(),
          "Usage: LoadCli load <branch> [options]",
          "  (plan, up, e2e, down, gc and status are the previewenv command of module cli)",
          "  load <branch> [--requests N] [--concurrency C] [--images name=image,...]",
          "      [--secret-source <namespace>]",
          "      provision deploy/overlays/load (2 replicas), send N requests (default "
              + DEFAULT_REQUESTS
              + ", at most "
              + LoadHarness.MAX_REQUESTS
              + ") with C in flight (default "
              + DEFAULT_CONCURRENCY
              + ")",
          "      of the order flow (POST /orders, GET /orders/<id>, GET /products) through",
          "      port-forwards on 127.0.0.1, report the phases' times, throughput and latency",
          "      percentiles, tear down. Secret shop-db (username, password, redis-password) is",
          "      copied from namespace --secret-source (default " + DEFAULT_SECRET_SOURCE + ")",
          "Options of every command: --kubeconfig <file> (default KUBECONFIG, ~/.kube/config),",
          "  --context <name>, --deploy <dir> (default deploy or examples/deploy)");

  /**
   * Parses {@code args}; options may be given as {@code --name value} or {@code --name=value}.
   *
   * @throws IllegalArgumentException saying what is wrong, for the usage message
   */
  static CliArgs parse(String... args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("no command given");
    }
    String command = args[0];
    if (Set.of("help", "--help", "-h").contains(command)) {
      return new Help();
    }
    List<String> positional = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    Set<String> flags = Set.of();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        positional.add(a);
        continue;
      }
      String name = a;
      String value;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else if (flags.contains(a)) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      if (options.put(name, value) != null) {
        throw new IllegalArgumentException("option " + name + " is given twice");
      }
    }
    Cluster cluster =
        new Cluster(
            Optional.ofNullable(options.remove("--kubeconfig")).map(Path::of),
            Optional.ofNullable(options.remove("--context")),
            Optional.ofNullable(options.remove("--deploy")).map(Path::of));
    CliArgs parsed =
        switch (command) {
          case "load" ->
              new Load(
                  branch(command, positional),
                  number(
                      options.remove("--requests"),
                      "--requests",
                      DEFAULT_REQUESTS,
                      LoadHarness.MAX_REQUESTS),
                  number(
                      options.remove("--concurrency"),
                      "--concurrency",
                      DEFAULT_CONCURRENCY,
                      LoadHarness.MAX_CONCURRENCY),
                  images(options.remove("--images")),
                  secretSource(options.remove("--secret-source")),
                  cluster);
          default ->
              throw new IllegalArgumentException(
                  "unknown command \""
                      + command
                      + "\": use load or help (plan, up, e2e, down, gc and status are the previewenv command)");
        };
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(
          "command " + command + " has no option " + String.join(", ", options.keySet()));
    }
    return parsed;
  }

  private static String branch(String command, List<String> positional) {
    if (positional.size() != 1) {
      throw new IllegalArgumentException(
          command
              + " takes exactly one branch, e.g. \""
              + command
              + " feature/login\"; got "
              + (positional.isEmpty() ? "none" : positional));
    }
    return positional.get(0);
  }

  private static String secretSource(String value) {
    if (value == null) {
      return DEFAULT_SECRET_SOURCE;
    }
    String ns = value.strip();
    if (!ns.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "--secret-source \"" + value + "\" is not a namespace name (DNS-1123 label)");
    }
    return ns;
  }

  private static List<String> images(String value) {
    if (value == null) {
      return List.of();
    }
    List<String> images = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) {
        images.add(s.strip());
      }
    }
    if (images.isEmpty()) {
      throw new IllegalArgumentException(
          "--images is empty: give name=image pairs, e.g."
              + " previewenv-examples/orders=registry.example.com/orders:sha-1f2e");
    }
    return images;
  }

  private static int number(String value, String option, int fallback, int max) {
    if (value == null) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " \"" + value + "\" is not a whole number");
    }
    if (n < 1 || n > max) {
      throw new IllegalArgumentException(option + " must be 1 to " + max + ", was " + n);
    }
    return n;
  }
}
