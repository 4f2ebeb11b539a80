package dev.previewenv.junit;

import dev.previewenv.core.Access;
import dev.previewenv.core.Cleanup;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ImageOverride;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.OAuth2ProxyDomains;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Protection;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.PullPolicy;
import dev.previewenv.core.PullSecrets;
import dev.previewenv.core.RegistryCredentials;
import dev.previewenv.core.SecretSpec;
import dev.previewenv.core.Teardown;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The fully resolved settings of one environment: annotation and settings merged, paths made
 * absolute. Equal specifications share one environment per run, so this record is the key in the
 * root store.
 *
 * @param manifests {@code classpath:<resource>}, {@code file:<absolute path>} or {@code
 *     kustomize:<absolute path>}
 * @param images image overrides, one per image name, sorted by name
 * @param readinessTimeout {@code null} for the provisioner's default, zero for no wait
 * @param ttl {@code null} for the provisioner's default
 * @param owner {@code null} for the provisioner's default
 * @param access how injected URLs reach the services
 * @param pullSecrets registry credentials to copy and attach, or {@code null}
 * @param imagePullPolicy the pull policy of overridden containers, or {@code null}
 * @param pinDigests whether overridden tags are resolved to digests
 * @param fresh delete an existing environment of the same name first
 * @param reseed run the seed Jobs again even where they are recorded as done
 * @param failOnUnmatchedImages an image override matching no container fails the plan
 * @param teardown whether teardown waits for the namespace to go
 */
record EnvironmentSpec(
    List<String> manifests,
    List<String> images,
    String branch,
    String prefix,
    String hostFormat,
    String authHost,
    List<String> protectedIngresses,
    List<String> secrets,
    Cleanup retention,
    Duration ttl,
    Duration readinessTimeout,
    boolean reuse,
    String owner,
    Path diagnosticsDir,
    Access access,
    PullSecrets pullSecrets,
    PullPolicy imagePullPolicy,
    boolean pinDigests,
    HostSettings hostSettings,
    boolean fresh,
    boolean reseed,
    boolean failOnUnmatchedImages,
    Teardown teardown) {

  /**
   * The protection provider and host checks: {@link PreviewEnvironment#PROTECTION}, {@link
   * PreviewEnvironment#OAUTH2_PROXY_SERVICE}, {@link PreviewEnvironment#OAUTH2_PROXY_NAMESPACE},
   * {@link PreviewEnvironment#STRICT_HOSTS}.
   *
   * @param protection {@code null} for the default (ingress-nginx)
   * @param oauth2ProxyService {@code null} for none
   * @param oauth2ProxyNamespace where OAuth2 Proxy's Deployment is read for its domains; {@code
   *     null} for no login check
   */
  record HostSettings(
      Protection protection,
      String oauth2ProxyService,
      String oauth2ProxyNamespace,
      boolean strictHosts) {}

  private static final Pattern PREFIXED = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]+):(.*)");

  EnvironmentSpec {
    manifests = List.copyOf(manifests);
    images = List.copyOf(images);
    protectedIngresses = List.copyOf(protectedIngresses);
    secrets = List.copyOf(secrets);
  }

  /**
   * Merges the annotation with the settings.
   *
   * @param where the annotated class, for messages
   * @throws ExtensionConfigurationException listing every problem found
   */
  static EnvironmentSpec resolve(
      PreviewEnvironment annotation, String where, Settings settings, Path workingDirectory) {
    List<String> problems = new ArrayList<>();
    Path wd = workingDirectory.toAbsolutePath().normalize();

    List<String> manifests = new ArrayList<>();
    String helmOptions = helmOptions(settings);
    for (String m : listSetting(settings, PreviewEnvironment.MANIFESTS, annotation.manifests())) {
      String normalized = normalizeManifest(m, wd, helmOptions, problems);
      if (normalized != null) {
        manifests.add(normalized);
      }
    }
    if (manifests.isEmpty() && problems.isEmpty()) {
      problems.add(
          "no manifest sources: add manifests = \"classpath:deploy/app.yaml\" (or file:...,"
              + " kustomize:...) to @PreviewEnvironment, or set "
              + PreviewEnvironment.MANIFESTS);
    }

    Map<String, String> images = new LinkedHashMap<>();
    addImages(images, List.of(annotation.images()), "@PreviewEnvironment(images)", problems);
    List<String> imageSettings = settings.all(PreviewEnvironment.IMAGES);
    for (int i = imageSettings.size() - 1; i >= 0; i--) {
      addImages(
          images,
          Settings.list(imageSettings.get(i)),
          settings.origin(PreviewEnvironment.IMAGES),
          problems);
    }

    String branch =
        BranchDetector.detect(
            settings.get(PreviewEnvironment.BRANCH).or(() -> nonBlank(annotation.branch())),
            settings,
            wd);
    String prefix = setting(settings, PreviewEnvironment.PREFIX, annotation.prefix());
    try {
      EnvironmentName.forBranch(prefix, branch);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    String hostFormat = setting(settings, PreviewEnvironment.HOST_FORMAT, annotation.hostFormat());
    String authHost = setting(settings, PreviewEnvironment.AUTH_HOST, annotation.authHost());
    List<String> protectedIngresses =
        listSetting(
            settings, PreviewEnvironment.PROTECTED_INGRESSES, annotation.protectedIngresses());
    if (!protectedIngresses.isEmpty() && authHost.isEmpty()) {
      problems.add(
          "protected ingresses "
              + protectedIngresses
              + " need the OAuth2 Proxy host: set authHost = \"auth.example.com\" or "
              + PreviewEnvironment.AUTH_HOST);
    }
    List<String> secrets = listSetting(settings, PreviewEnvironment.SECRETS, annotation.secrets());
    for (String s : secrets) {
      try {
        secretSpec(s);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }

    boolean reuse = annotation.reuse();
    Optional<String> reuseSetting = settings.get(PreviewEnvironment.REUSE);
    if (reuseSetting.isPresent()) {
      String v = reuseSetting.get().toLowerCase(Locale.ROOT);
      if (v.equals("true") || v.equals("false")) {
        reuse = Boolean.parseBoolean(v);
      } else {
        problems.add(
            settings.origin(PreviewEnvironment.REUSE)
                + " is \""
                + reuseSetting.get()
                + "\": use true or false");
      }
    }
    boolean fresh = bool(settings, PreviewEnvironment.FRESH, false, problems);
    boolean reseed = bool(settings, PreviewEnvironment.RESEED, false, problems);
    boolean failOnUnmatched =
        choice(settings, PreviewEnvironment.IMAGES_UNMATCHED, "fail", "warn", problems);
    Teardown teardown =
        choice(settings, PreviewEnvironment.TEARDOWN, "wait", "request", problems)
            ? Teardown.WAIT
            : Teardown.REQUEST;
    Cleanup retention = retention(annotation, settings, reuse, problems);
    Duration ttl = duration(settings, PreviewEnvironment.TTL, annotation.ttl(), false, problems);
    Duration readiness =
        duration(
            settings,
            PreviewEnvironment.READINESS_TIMEOUT,
            annotation.readinessTimeout(),
            true,
            problems);
    String owner = settings.get(PreviewEnvironment.OWNER).orElse(null);
    Access access = access(annotation, settings, problems);
    HostSettings hostSettings = hostSettings(settings, problems);
    Path diagnostics =
        wd.resolve(settings.get(PreviewEnvironment.DIAGNOSTICS_DIR).orElse("target/previewenv"))
            .normalize();
    PullSecrets pullSecrets = null;
    List<String> pullSecretList =
        listSetting(settings, PreviewEnvironment.PULL_SECRETS, annotation.pullSecrets());
    String attachText =
        setting(settings, PreviewEnvironment.PULL_SECRETS_ATTACH, annotation.pullSecretsAttach());
    PullSecrets.Attach attach = PullSecrets.Attach.SERVICE_ACCOUNT;
    if (!attachText.isEmpty()) {
      try {
        attach = PullSecrets.Attach.parse(attachText);
      } catch (IllegalArgumentException e) {
        problems.add(PreviewEnvironment.PULL_SECRETS_ATTACH + ": " + e.getMessage());
      }
    }
    if (!pullSecretList.isEmpty()) {
      try {
        pullSecrets = PullSecrets.parse(String.join(",", pullSecretList), attach);
      } catch (IllegalArgumentException e) {
        problems.add(PreviewEnvironment.PULL_SECRETS + ": " + e.getMessage());
      }
    }
    PullPolicy pullPolicy = null;
    String policyText =
        setting(settings, PreviewEnvironment.IMAGE_PULL_POLICY, annotation.imagePullPolicy());
    if (!policyText.isEmpty()) {
      try {
        pullPolicy = PullPolicy.parse(policyText);
      } catch (IllegalArgumentException e) {
        problems.add(PreviewEnvironment.IMAGE_PULL_POLICY + ": " + e.getMessage());
      }
    }
    boolean pinDigests = annotation.pinDigests();
    Optional<String> pinSetting = settings.get(PreviewEnvironment.PIN_DIGESTS);
    if (pinSetting.isPresent()) {
      String v = pinSetting.get().strip().toLowerCase(Locale.ROOT);
      if (v.equals("true") || v.equals("false")) {
        pinDigests = Boolean.parseBoolean(v);
      } else {
        problems.add(
            settings.origin(PreviewEnvironment.PIN_DIGESTS)
                + " is \""
                + pinSetting.get()
                + "\": use true or false");
      }
    }

    if (!problems.isEmpty()) {
      throw new ExtensionConfigurationException(
          "@PreviewEnvironment on "
              + where
              + " has "
              + problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + "; nothing was provisioned:"
              + System.lineSeparator()
              + "  - "
              + String.join(System.lineSeparator() + "  - ", problems));
    }
    return new EnvironmentSpec(
        manifests,
        images.values().stream().sorted().toList(),
        branch,
        prefix,
        hostFormat,
        authHost,
        protectedIngresses,
        secrets,
        retention,
        ttl,
        readiness,
        reuse,
        owner,
        diagnostics,
        access,
        pullSecrets,
        pullPolicy,
        pinDigests,
        hostSettings,
        fresh,
        reseed,
        failOnUnmatched,
        teardown);
  }

  private static HostSettings hostSettings(Settings settings, List<String> problems) {
    Protection protection = null;
    Optional<String> p = settings.get(PreviewEnvironment.PROTECTION);
    if (p.isPresent()) {
      String normalized = p.get().strip().toUpperCase(Locale.ROOT).replace('-', '_');
      for (Protection candidate : Protection.values()) {
        if (candidate.name().equals(normalized)) {
          protection = candidate;
        }
      }
      if (protection == null) {
        problems.add(
            settings.origin(PreviewEnvironment.PROTECTION)
                + " is \""
                + p.get()
                + "\": use ingress-nginx, traefik or envoy-gateway");
      }
    }
    String service = settings.get(PreviewEnvironment.OAUTH2_PROXY_SERVICE).orElse(null);
    if (service != null) {
      try {
        Plan.builder(EnvironmentName.of("check")).oauth2ProxyService(service);
      } catch (IllegalArgumentException e) {
        problems.add(
            settings.origin(PreviewEnvironment.OAUTH2_PROXY_SERVICE) + ": " + e.getMessage());
      }
    }
    boolean strict = false;
    Optional<String> st = settings.get(PreviewEnvironment.STRICT_HOSTS);
    if (st.isPresent()) {
      if (st.get().equalsIgnoreCase("true") || st.get().equalsIgnoreCase("false")) {
        strict = Boolean.parseBoolean(st.get());
      } else {
        problems.add(
            settings.origin(PreviewEnvironment.STRICT_HOSTS)
                + " is \""
                + st.get()
                + "\": use true or false");
      }
    }
    return new HostSettings(
        protection,
        service,
        settings.get(PreviewEnvironment.OAUTH2_PROXY_NAMESPACE).orElse(null),
        strict);
  }

  private static boolean bool(Settings settings, String name, boolean dflt, List<String> problems) {
    return choice(settings, name, "true", "false", problems, dflt);
  }

  /** Whether the setting is {@code first} (also when unset) rather than {@code second}. */
  private static boolean choice(
      Settings settings, String name, String first, String second, List<String> problems) {
    return choice(settings, name, first, second, problems, true);
  }

  private static boolean choice(
      Settings settings,
      String name,
      String first,
      String second,
      List<String> problems,
      boolean dflt) {
    Optional<String> value = settings.get(name);
    if (value.isEmpty()) {
      return dflt;
    }
    String v = value.get().strip().toLowerCase(Locale.ROOT);
    if (v.equals(first)) {
      return true;
    }
    if (v.equals(second)) {
      return false;
    }
    problems.add(
        settings.origin(name) + " is \"" + value.get() + "\": use " + first + " or " + second);
    return dflt;
  }

  /** The environment's name, from prefix and branch. */
  EnvironmentName environmentName() {
    return EnvironmentName.forBranch(prefix, branch);
  }

  /**
   * The plan for the cluster of {@code client}: Helm charts are rendered for its server version
   * (asked only when a {@code helm:} source is there); with {@link #pinDigests()}, the pull secrets
   * are read through {@code client} for the registry credentials.
   */
  Plan plan(KubernetesClient client) {
    String kubeVersion = null;
    if (client != null && manifests.stream().anyMatch(m -> m.startsWith("helm:"))) {
      kubeVersion = client.getKubernetesVersion().getGitVersion();
    }
    OAuth2ProxyDomains domains =
        client == null || hostSettings.oauth2ProxyNamespace() == null
            ? null
            : OAuth2ProxyDomains.read(client, hostSettings.oauth2ProxyNamespace(), null);
    return plan(client, kubeVersion, domains);
  }

  /** The plan without a cluster: no digest pinning, Helm's default kube version. */
  Plan plan() {
    return plan(null, null, null);
  }

  private Plan plan(KubernetesClient client, String kubeVersion, OAuth2ProxyDomains domains) {
    Plan.Builder builder =
        Plan.builder(environmentName()).images(images).strictImages(failOnUnmatchedImages);
    if (pullSecrets != null) {
      builder = builder.pullSecrets(pullSecrets);
    }
    if (imagePullPolicy != null) {
      builder = builder.pullPolicy(imagePullPolicy);
    }
    if (pinDigests && client != null) {
      builder =
          builder.pinDigests(
              pullSecrets == null
                  ? RegistryCredentials.anonymous()
                  : RegistryCredentials.fromSecrets(client, pullSecrets));
    }
    if (hostSettings.protection() != null) {
      builder = builder.protection(hostSettings.protection());
    }
    if (hostSettings.oauth2ProxyService() != null) {
      builder = builder.oauth2ProxyService(hostSettings.oauth2ProxyService());
    }
    if (domains != null) {
      builder = builder.oauth2ProxyDomains(domains);
    }
    builder = builder.strictHosts(hostSettings.strictHosts());
    if (kubeVersion != null) {
      builder = builder.kubeVersion(kubeVersion);
    }
    for (String m : manifests) {
      builder = builder.source(manifestSource(m));
    }
    if (!hostFormat.isEmpty()) {
      builder = builder.hostFormat(hostFormat);
    }
    if (!authHost.isEmpty()) {
      builder = builder.authHost(authHost);
    }
    if (!protectedIngresses.isEmpty()) {
      builder = builder.protect(protectedIngresses.toArray(String[]::new));
    }
    return builder.build();
  }

  /** A provisioner for this specification. */
  Provisioner provisioner(KubernetesClient client) {
    Provisioner p =
        Provisioner.forClient(client)
            .withCleanup(retention)
            .withDiagnosticsRoot(diagnosticsDir)
            .withAccess(access)
            .withTeardown(teardown)
            .withKeptNotice(false)
            .withReseed(reseed)
            .withSecrets(
                secrets.stream().map(EnvironmentSpec::secretSpec).toArray(SecretSpec[]::new));
    if (owner != null) {
      p = p.withOwner(owner);
    }
    if (ttl != null) {
      p = p.withTtl(ttl);
    }
    if (readinessTimeout != null) {
      p =
          readinessTimeout.isZero()
              ? p.withoutReadinessWait()
              : p.withReadinessTimeout(readinessTimeout);
    }
    return p;
  }

  /** A short description for messages. */
  String describe() {
    return "environment "
        + environmentName().value()
        + " (branch "
        + branch
        + ", manifests "
        + manifests
        + (images.isEmpty() ? "" : ", images " + images)
        + ", access "
        + accessName(access)
        + ")";
  }

  static SecretSpec secretSpec(String entry) {
    return SecretSpec.parse(entry);
  }

  private static ManifestSource manifestSource(String normalized) {
    // normalized entries hold absolute paths: the working directory does not matter here
    return ManifestSource.parse(normalized, Path.of("").toAbsolutePath());
  }

  /**
   * The {@code ;values=...;set=...} options that {@link PreviewEnvironment#HELM_VALUES} and {@link
   * PreviewEnvironment#HELM_SET} add to every {@code helm:} source.
   */
  private static String helmOptions(Settings settings) {
    StringBuilder sb = new StringBuilder();
    settings
        .get(PreviewEnvironment.HELM_VALUES)
        .ifPresent(v -> Settings.list(v).forEach(f -> sb.append(";values=").append(f)));
    settings
        .get(PreviewEnvironment.HELM_SET)
        .ifPresent(v -> Settings.list(v).forEach(kv -> sb.append(";set=").append(kv)));
    return sb.toString();
  }

  private static String normalizeManifest(
      String entry, Path wd, String helmOptions, List<String> problems) {
    Matcher m = PREFIXED.matcher(entry);
    String kind = "file";
    String value = entry;
    if (m.matches()) {
      kind = m.group(1);
      value = m.group(2).strip();
    }
    if (kind.equals("helm") || (kind.equals("kustomize") && value.contains(";"))) {
      String spec = kind + ":" + value + (kind.equals("helm") ? helmOptions : "");
      try {
        ManifestSource.parse(spec, wd);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        return null;
      }
      return absolutePaths(kind, spec.substring(kind.length() + 1), wd);
    }
    switch (kind) {
      case "classpath":
        return value.isEmpty() ? missing(entry, problems) : "classpath:" + value;
      case "file":
      case "kustomize":
        return value.isEmpty()
            ? missing(entry, problems)
            : kind + ":" + wd.resolve(value).normalize();
      default:
        problems.add(
            "manifest source \""
                + entry
                + "\" has the unknown prefix \""
                + kind
                + ":\": use classpath:, file:, kustomize: or helm:");
        return null;
    }
  }

  /** The spec with its path and {@code values=} files made absolute, so equal specs are equal. */
  private static String absolutePaths(String kind, String value, Path wd) {
    String[] parts = value.split(";", -1);
    StringBuilder sb = new StringBuilder(kind).append(':');
    sb.append(wd.resolve(parts[0].strip()).normalize());
    for (int i = 1; i < parts.length; i++) {
      String o = parts[i].strip();
      if (o.startsWith("values=")) {
        o = "values=" + wd.resolve(o.substring("values=".length()).strip()).normalize();
      }
      if (!o.isEmpty()) {
        sb.append(';').append(o);
      }
    }
    return sb.toString();
  }

  private static String missing(String entry, List<String> problems) {
    problems.add("manifest source \"" + entry + "\" names no resource or path");
    return null;
  }

  private static void addImages(
      Map<String, String> images, List<String> entries, String origin, List<String> problems) {
    for (String entry : entries) {
      try {
        ImageOverride override = ImageOverride.parse(entry.strip());
        images.put(override.name(), entry.strip());
      } catch (IllegalArgumentException e) {
        problems.add(origin + ": " + e.getMessage()); // the message names the entry
      }
    }
  }

  /**
   * The setting's spelling of {@code access}: {@code ingress}, {@code port-forward}, {@code auto}.
   */
  static String accessName(Access access) {
    return access.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static Access access(
      PreviewEnvironment annotation, Settings settings, List<String> problems) {
    Optional<String> setting = settings.get(PreviewEnvironment.ACCESS);
    if (setting.isEmpty()) {
      return annotation.access();
    }
    String normalized = setting.get().strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Access a : Access.values()) {
      if (a.name().equals(normalized)) {
        return a;
      }
    }
    problems.add(
        settings.origin(PreviewEnvironment.ACCESS)
            + " is \""
            + setting.get()
            + "\": use ingress (ingress hosts; needs an ingress controller and DNS), port-forward"
            + " (through the API server; works on any cluster) or auto");
    return annotation.access();
  }

  private static Cleanup retention(
      PreviewEnvironment annotation, Settings settings, boolean reuse, List<String> problems) {
    Optional<String> setting = settings.get(PreviewEnvironment.RETENTION);
    PreviewEnvironment.Retention value = annotation.retention();
    if (setting.isPresent()) {
      try {
        value =
            PreviewEnvironment.Retention.valueOf(
                setting.get().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        problems.add(
            settings.origin(PreviewEnvironment.RETENTION)
                + " is \""
                + setting.get()
                + "\": use ALWAYS, ON_SUCCESS, NEVER or DEFAULT");
      }
    }
    return switch (value) {
      case ALWAYS -> Cleanup.ALWAYS;
      case ON_SUCCESS -> Cleanup.ON_SUCCESS;
      case NEVER -> Cleanup.NEVER;
      case DEFAULT -> reuse ? Cleanup.NEVER : Cleanup.ON_SUCCESS;
    };
  }

  private static Duration duration(
      Settings settings,
      String name,
      String annotationValue,
      boolean noneAllowed,
      List<String> problems) {
    Optional<String> setting = settings.get(name);
    String text = setting.orElse(annotationValue).strip();
    if (text.isEmpty()) {
      return null;
    }
    String origin = setting.isPresent() ? settings.origin(name) : "the annotation's " + name;
    if (noneAllowed && text.equalsIgnoreCase("none")) {
      return Duration.ZERO;
    }
    Duration d = parseDuration(text);
    if (d == null || d.isZero() || d.isNegative()) {
      problems.add(
          origin
              + " is \""
              + text
              + "\": use a positive duration such as 4h, 90m, 30s, 2d or PT4H"
              + (noneAllowed ? ", or none" : ""));
      return null;
    }
    return d;
  }

  static Duration parseDuration(String text) {
    return dev.previewenv.core.Durations.parse(text).orElse(null);
  }

  private static String setting(Settings settings, String name, String annotationValue) {
    return settings.get(name).orElse(annotationValue.strip());
  }

  private static List<String> listSetting(Settings settings, String name, String[] annotation) {
    Optional<String> value = settings.get(name);
    if (value.isPresent()) {
      return Settings.list(value.get());
    }
    List<String> items = new ArrayList<>();
    for (String a : annotation) {
      if (!a.isBlank()) {
        items.add(a.strip());
      }
    }
    return items;
  }

  private static Optional<String> nonBlank(String s) {
    return s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }
}
