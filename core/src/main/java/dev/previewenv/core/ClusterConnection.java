package dev.previewenv.core;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster a run talks to, located and checked before anything else happens: the preflight that
 * the JUnit extension and the command line share.
 *
 * <p>Where the configuration comes from, first match wins: the kubeconfig named explicitly ({@link
 * #kubeconfig(Path, String)}, e.g. {@code -Dpreviewenv.kubeconfig} or {@code --kubeconfig}); the
 * first existing file listed in {@code KUBECONFIG}; {@code ~/.kube/config}; the pod's service
 * account, only when actually running in a pod ({@code KUBERNETES_SERVICE_HOST} set and the token
 * file present). A kubeconfig named explicitly or by {@code KUBECONFIG} must exist; it is never
 * silently replaced by another source.
 *
 * <p>Guarantees of {@link #connect()}: a kubeconfig that does not parse is reported with its file,
 * line and column, never with its content (a kubeconfig holds tokens and keys); a context that the
 * kubeconfig lacks is reported with the contexts it has; the API server must answer one request
 * ({@code GET /version}, no retries) within the probe timeout (default {@value
 * #DEFAULT_PROBE_SECONDS} s), else one message names the server, where its configuration came from
 * and what to do. Every failure is a {@link ClusterUnavailableException} without a cause attached
 * (the details are logged at DEBUG).
 *
 * <pre>{@code
 * try (KubernetesClient client =
 *     ClusterConnection.locate().context("kind-preview", "--context").connect()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Immutable: every {@code with}-style method returns a new instance.
 */
public final class ClusterConnection {
  private static final Logger log = LoggerFactory.getLogger(ClusterConnection.class);

  /** The default probe timeout, in seconds. */
  public static final int DEFAULT_PROBE_SECONDS = 3;

  /** The service account token that marks a pod. */
  public static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private static final Pattern LINE_COLUMN =
      Pattern.compile("line:? (\\d+), column:? (\\d+)", Pattern.CASE_INSENSITIVE);
  private static final int UNAUTHORIZED = 401;
  private static final int FORBIDDEN = 403;

  private final Path kubeconfig;
  private final String kubeconfigOption;
  private final String context;
  private final String contextOption;
  private final Duration probeTimeout;
  private final UnaryOperator<String> environment;
  private final Path home;
  private final Path serviceAccountToken;

  private ClusterConnection(
      Path kubeconfig,
      String kubeconfigOption,
      String context,
      String contextOption,
      Duration probeTimeout,
      UnaryOperator<String> environment,
      Path home,
      Path serviceAccountToken) {
    this.kubeconfig = kubeconfig;
    this.kubeconfigOption = kubeconfigOption;
    this.context = context;
    this.contextOption = contextOption;
    this.probeTimeout = probeTimeout;
    this.environment = environment;
    this.home = home;
    this.serviceAccountToken = serviceAccountToken;
  }

  /**
   * The default location: {@code KUBECONFIG}, {@code ~/.kube/config}, the pod's service account;
   * the kubeconfig's current context; probe timeout {@value #DEFAULT_PROBE_SECONDS} s.
   */
  public static ClusterConnection locate() {
    return new ClusterConnection(
        null,
        "KUBECONFIG=<file>",
        null,
        null,
        Duration.ofSeconds(DEFAULT_PROBE_SECONDS),
        System::getenv,
        Path.of(System.getProperty("user.home")),
        SERVICE_ACCOUNT_TOKEN);
  }

  /**
   * The kubeconfig to use, named by the user through {@code option} (how the user sets it, for
   * messages: {@code --kubeconfig}, {@code -Dpreviewenv.kubeconfig}); {@code null} to locate it.
   */
  public ClusterConnection kubeconfig(Path file, String option) {
    return new ClusterConnection(
        file == null ? null : file.toAbsolutePath().normalize(),
        Objects.requireNonNull(option, "option"),
        context,
        contextOption,
        probeTimeout,
        environment,
        home,
        serviceAccountToken);
  }

  /**
   * The kubeconfig context to use, named by the user through {@code option} (for messages); {@code
   * null} for the kubeconfig's current context.
   */
  public ClusterConnection context(String name, String option) {
    return new ClusterConnection(
        kubeconfig,
        kubeconfigOption,
        name == null || name.isBlank() ? null : name.strip(),
        Objects.requireNonNull(option, "option"),
        probeTimeout,
        environment,
        home,
        serviceAccountToken);
  }

  /** How long the API server may take to answer the probe (positive; default 3 s). */
  public ClusterConnection probeTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("probe timeout must be positive, was " + timeout);
    }
    return new ClusterConnection(
        kubeconfig,
        kubeconfigOption,
        context,
        contextOption,
        timeout,
        environment,
        home,
        serviceAccountToken);
  }

  /**
   * Where environment variables ({@code KUBECONFIG}, {@code KUBERNETES_SERVICE_HOST}), the home
   * directory and the service account token are read from; for tests and embedding.
   */
  public ClusterConnection environment(
      UnaryOperator<String> variables, Path homeDirectory, Path token) {
    return new ClusterConnection(
        kubeconfig,
        kubeconfigOption,
        context,
        contextOption,
        probeTimeout,
        Objects.requireNonNull(variables, "variables"),
        Objects.requireNonNull(homeDirectory, "homeDirectory"),
        Objects.requireNonNull(token, "token"));
  }

  /**
   * Whether any source is configured at all (a kubeconfig named, {@code KUBECONFIG} set, {@code
   * ~/.kube/config} present, or running in a pod); when not, {@link #connect()} fails. Reads no
   * file.
   */
  public boolean configured() {
    return kubeconfig != null
        || present(environment.apply("KUBECONFIG"))
        || Files.isRegularFile(defaultKubeconfig())
        || inPod();
  }

  /**
   * Reads and checks the configuration without contacting the server.
   *
   * @return the configuration and a description of where it came from
   * @throws ClusterUnavailableException when there is none or it cannot be read
   */
  public Located read() {
    Optional<Path> file = kubeconfigFile();
    if (file.isEmpty()) {
      if (inPod()) {
        Config config = Config.autoConfigure(context);
        return new Located(config, "the pod's service account", config.getMasterUrl());
      }
      throw new ClusterUnavailableException(
          "No Kubernetes cluster is configured: "
              + kubeconfigOption
              + " is not given, KUBECONFIG is not set, "
              + defaultKubeconfig()
              + " does not exist, and this is not a pod. Name a kubeconfig with "
              + kubeconfigOption
              + " (kind, k3d and minikube write ~/.kube/config when they create a cluster).",
          null,
          null,
          null);
    }
    Path path = file.get();
    String source = "kubeconfig " + path + " (" + origin() + ")";
    if (!Files.isRegularFile(path)) {
      throw new ClusterUnavailableException(
          "The "
              + source
              + " does not exist. Fix the path, or unset it to use "
              + defaultKubeconfig()
              + ".",
          source,
          null,
          null);
    }
    Config config;
    try {
      config = Config.fromKubeconfig(context, new File(path.toString()));
    } catch (RuntimeException e) {
      // the parser's message quotes the lines around the error: never pass it on
      log.debug("Reading {} failed with {}", source, e.getClass().getName());
      throw new ClusterUnavailableException(
          "The " + source + " cannot be read: " + parseProblem(e) + ". Fix the file.",
          source,
          null,
          null);
    }
    List<String> contexts = new ArrayList<>();
    for (NamedContext c :
        config.getContexts() == null ? List.<NamedContext>of() : config.getContexts()) {
      contexts.add(c.getName());
    }
    NamedContext current = config.getCurrentContext();
    if (context != null && (current == null || !context.equals(current.getName()))) {
      throw new ClusterUnavailableException(
          "The "
              + source
              + " has no context \""
              + context
              + "\" (named by "
              + contextOption.replaceFirst("[= ]<.*$", "")
              + "); its contexts: "
              + (contexts.isEmpty() ? "none" : String.join(", ", contexts))
              + ". Name one of them.",
          source,
          null,
          null);
    }
    if (current == null) {
      throw new ClusterUnavailableException(
          "The "
              + source
              + " has no current context"
              + (contexts.isEmpty()
                  ? " and no contexts at all; point it at a kubeconfig with a cluster."
                  : "; choose one of "
                      + String.join(", ", contexts)
                      + (contextOption == null ? "" : " with " + contextOption)
                      + " or with kubectl config use-context <name>."),
          source,
          null,
          null);
    }
    return new Located(
        config, "context " + current.getName() + " of the " + source, config.getMasterUrl());
  }

  /**
   * Reads the configuration, checks that the API server answers within the probe timeout, and
   * returns a client the caller owns and closes.
   *
   * @throws ClusterUnavailableException when there is no configuration, it cannot be read, or the
   *     server does not answer
   */
  public KubernetesClient connect() {
    Located located = read();
    probe(located);
    // HTTP/2 where the server offers it: a wave of concurrent requests shares its connections
    return new KubernetesClientBuilder()
        .withConfig(located.config())
        .withHttpClientFactory(HttpClients.reusing())
        .build();
  }

  /** One request without retries, so that an unreachable cluster fails within the timeout. */
  private void probe(Located located) {
    int millis = (int) Math.min(Integer.MAX_VALUE, probeTimeout.toMillis());
    String what = "The Kubernetes API server " + located.server() + " (" + located.source() + ")";
    String change = kubeconfigOption + (contextOption == null ? "" : " or " + contextOption);
    String refused = tcpProblem(located, millis);
    if (refused != null) {
      throw new ClusterUnavailableException(
          what
              + " did not answer within "
              + describe(probeTimeout)
              + " ("
              + refused
              + "). Start the cluster, or choose another with "
              + change
              + ".",
          located.source(),
          located.server(),
          null);
    }
    Config once = new ConfigBuilder(located.config()).build();
    once.setRequestRetryBackoffLimit(0);
    once.setConnectionTimeout(millis);
    once.setRequestTimeout(millis);
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(once).build()) {
      c.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      if (e.getCode() > 0 && e.getCode() != UNAUTHORIZED && e.getCode() != FORBIDDEN) {
        log.debug("Probe of {} answered HTTP {}: reachable", located.server(), e.getCode());
        return; // it answered; what it may not do is for later requests to say
      }
      log.debug("Probe of {} failed", located.server(), e);
      if (e.getCode() == UNAUTHORIZED || e.getCode() == FORBIDDEN) {
        throw new ClusterUnavailableException(
            what
                + " refused the credentials (HTTP "
                + e.getCode()
                + "). Renew them (log in again) or choose another cluster with "
                + change
                + ".",
            located.source(),
            located.server(),
            null);
      }
      throw new ClusterUnavailableException(
          what
              + " did not answer within "
              + describe(probeTimeout)
              + " ("
              + rootCause(e)
              + "). Start the cluster, or choose another with "
              + change
              + ".",
          located.source(),
          located.server(),
          null);
    } catch (RuntimeException e) {
      log.debug("Probe of {} failed", located.server(), e);
      throw new ClusterUnavailableException(
          what
              + " could not be reached ("
              + rootCause(e)
              + "). Choose another with "
              + change
              + ".",
          located.source(),
          located.server(),
          null);
    }
  }

  /**
   * A plain TCP connect to the server first: a dead server (refused, unreachable) is then found in
   * milliseconds, before an HTTP client is even built. Skipped behind a proxy.
   *
   * @return the problem, or {@code null} when the port accepts connections (or cannot be checked)
   */
  private static String tcpProblem(Located located, int millis) {
    Config c = located.config();
    if (c.getHttpsProxy() != null || c.getHttpProxy() != null || located.server() == null) {
      return null;
    }
    java.net.URI uri;
    try {
      uri = java.net.URI.create(located.server());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (uri.getHost() == null) {
      return null;
    }
    int port = uri.getPort() > 0 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443;
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(uri.getHost(), port), millis);
      return null;
    } catch (java.io.IOException e) {
      log.debug("TCP connect to {}:{} failed", uri.getHost(), port, e);
      return rootCause(e);
    }
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** A located, parsed configuration. */
  public record Located(Config config, String source, String server) {
    public Located {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(source, "source");
    }
  }

  private Optional<Path> kubeconfigFile() {
    if (kubeconfig != null) {
      return Optional.of(kubeconfig);
    }
    String variable = environment.apply("KUBECONFIG");
    if (present(variable)) {
      Path first = null;
      for (String part : variable.split(File.pathSeparator)) {
        if (part.isBlank()) {
          continue;
        }
        Path p = Path.of(part.strip()).toAbsolutePath().normalize();
        if (Files.isRegularFile(p)) {
          return Optional.of(p);
        }
        if (first == null) {
          first = p;
        }
      }
      return Optional.ofNullable(first); // none exists: reported as missing
    }
    Path dflt = defaultKubeconfig();
    return Files.isRegularFile(dflt) ? Optional.of(dflt) : Optional.empty();
  }

  private String origin() {
    if (kubeconfig != null) {
      return "from " + kubeconfigOption.replaceFirst("[= ]<.*$", "");
    }
    return present(environment.apply("KUBECONFIG")) ? "from KUBECONFIG" : "the default";
  }

  private Path defaultKubeconfig() {
    return home.resolve(".kube").resolve("config");
  }

  private boolean inPod() {
    return present(environment.apply("KUBERNETES_SERVICE_HOST"))
        && Files.isRegularFile(serviceAccountToken);
  }

  /** Line and column of a parse error, read from the parser's message, which is never shown. */
  static String parseProblem(Throwable e) {
    String line = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null) {
        Matcher m = LINE_COLUMN.matcher(t.getMessage());
        while (m.find()) {
          line = "line " + m.group(1) + ", column " + m.group(2);
        }
      }
      if (line != null) {
        return "it is not valid YAML (" + line + ")";
      }
    }
    return "it is not a valid kubeconfig (" + e.getClass().getSimpleName() + ")";
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? "" : t.getMessage();
    if (message.length() > 120) {
      message = message.substring(0, 120) + "...";
    }
    return t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
