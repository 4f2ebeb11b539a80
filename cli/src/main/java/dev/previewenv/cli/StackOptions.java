package dev.previewenv.cli;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import dev.previewenv.core.PullPolicy;
import dev.previewenv.core.PullSecrets;
import dev.previewenv.core.RegistryCredentials;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What to deploy and how to transform it: the vocabulary of {@code @PreviewEnvironment}. */
final class StackOptions {
  @Option(
      names = "--manifests",
      split = ",",
      paramLabel = "<source>",
      description =
          "Manifest sources, repeatable or comma separated: kustomize:<dir>, file:<file or dir>,"
              + " classpath:<resource>, or a path (env PREVIEWENV_MANIFESTS).")
  List<String> manifests = new ArrayList<>();

  @Option(
      names = "--image",
      split = ",",
      paramLabel = "<name=ref>",
      description =
          "An image override in kustomize 'set image' form, e.g."
              + " api=registry.example.com/api:sha-1f2e; repeatable (env PREVIEWENV_IMAGES, comma"
              + " separated).")
  List<String> images = new ArrayList<>();

  @Option(
      names = "--host-format",
      paramLabel = "<format>",
      description =
          "Rewritten ingress hosts, placeholders {env} and {host}; default {env}.{host} (env"
              + " PREVIEWENV_HOST_FORMAT).")
  String hostFormat;

  @Option(
      names = "--auth-host",
      paramLabel = "<host>",
      description =
          "The central OAuth2 Proxy host for protected ingresses (env PREVIEWENV_AUTH_HOST).")
  String authHost;

  @Option(
      names = "--protect",
      split = ",",
      paramLabel = "<ingress>",
      description =
          "Ingresses to put behind OAuth2 Proxy, repeatable (env PREVIEWENV_PROTECTED_INGRESSES;"
              + " needs --auth-host).")
  List<String> protect = new ArrayList<>();

  @Option(
      names = "--pull-secret",
      split = ",",
      paramLabel = "<ns/name>",
      description =
          "Registry credentials (kubernetes.io/dockerconfigjson secrets) to copy from their source"
              + " namespace and attach to the environment's pods, e.g."
              + " shared/registry-credentials; repeatable (env PREVIEWENV_PULL_SECRETS).")
  List<String> pullSecrets = new ArrayList<>();

  @Option(
      names = "--pull-secrets-attach",
      paramLabel = "<where>",
      description =
          "Where pull secrets are attached: service-account (default), pod-spec or both (env"
              + " PREVIEWENV_PULL_SECRETS_ATTACH).")
  String pullSecretsAttach;

  @Option(
      names = "--image-pull-policy",
      paramLabel = "<policy>",
      description =
          "imagePullPolicy of the containers the image overrides change: Always, IfNotPresent or"
              + " Never; default: the manifests' (env PREVIEWENV_IMAGE_PULL_POLICY).")
  String imagePullPolicy;

  @Option(
      names = "--pin-digests",
      description =
          "Resolve every overridden image tag to its digest in the registry before anything is"
              + " sent (the environment runs exactly the image CI built, even if the tag moves);"
              + " with --pull-secret, its credentials are read from the source secret (env"
              + " PREVIEWENV_PIN_DIGESTS).")
  boolean pinDigests;

  /**
   * The plan of the stack for {@code environment}: loads and transforms; sends nothing.
   *
   * @throws UsageException when no manifests are given or one is malformed
   * @throws dev.previewenv.core.InvalidPlanException listing every problem of the stack
   */
  Plan plan(PreviewEnvCli.Context context, EnvironmentName environment) {
    return builder(context, environment).build();
  }

  /**
   * Like {@link #plan}, with {@code --pin-digests}: the tags resolved in the registry, with the
   * credentials {@code credentials} gives for the plan's pull secrets (read from the cluster;
   * nothing is written there).
   */
  Plan plan(
      PreviewEnvCli.Context context,
      EnvironmentName environment,
      java.util.function.Function<java.util.Optional<PullSecrets>, RegistryCredentials>
          credentials) {
    Plan.Builder builder = builder(context, environment);
    if (!pinDigests) {
      return builder.build();
    }
    Plan unpinned = builder.build(); // every problem of the stack first, before any registry call
    return builder.pinDigests(credentials.apply(unpinned.pullSecrets())).build();
  }

  private Plan.Builder builder(PreviewEnvCli.Context context, EnvironmentName environment) {
    if (manifests.isEmpty()) {
      throw new UsageException(
          "no manifests: give --manifests kustomize:<dir> (or file:<path>, classpath:<resource>),"
              + " or set PREVIEWENV_MANIFESTS");
    }
    if (!protect.isEmpty() && (authHost == null || authHost.isBlank())) {
      throw new UsageException(
          "--protect "
              + protect
              + " needs the OAuth2 Proxy host: add --auth-host auth.example.com");
    }
    Plan.Builder builder = Plan.builder(environment).images(images());
    for (String m : manifests) {
      try {
        builder = builder.source(ManifestSource.parse(m, context.workingDirectory()));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--manifests: " + e.getMessage());
      }
    }
    if (hostFormat != null && !hostFormat.isBlank()) {
      builder = builder.hostFormat(hostFormat.strip());
    }
    if (authHost != null && !authHost.isBlank()) {
      builder = builder.authHost(authHost.strip());
    }
    if (!protect.isEmpty()) {
      builder = builder.protect(protect.toArray(String[]::new));
    }
    List<String> pulls = pullSecrets.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
    if (!pulls.isEmpty()) {
      try {
        PullSecrets.Attach attach =
            pullSecretsAttach == null || pullSecretsAttach.isBlank()
                ? PullSecrets.Attach.SERVICE_ACCOUNT
                : PullSecrets.Attach.parse(pullSecretsAttach);
        builder = builder.pullSecrets(PullSecrets.parse(String.join(",", pulls), attach));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--pull-secret: " + e.getMessage());
      }
    }
    if (imagePullPolicy != null && !imagePullPolicy.isBlank()) {
      try {
        builder = builder.pullPolicy(PullPolicy.parse(imagePullPolicy.strip()));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--image-pull-policy: " + e.getMessage());
      }
    }
    return builder;
  }

  /** The image overrides as given, blanks dropped. */
  List<String> images() {
    return images.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
