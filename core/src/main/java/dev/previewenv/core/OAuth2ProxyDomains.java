package dev.previewenv.core;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The domains of the central OAuth2 Proxy that decide whether sign-in works for a protected host:
 * its cookie domains ({@code --cookie-domain}: the session cookie is sent only to hosts in them)
 * and its whitelist domains ({@code --whitelist-domain}: the hosts it redirects back to after
 * sign-in). A protected host outside either gives a redirect loop or a landing on the wrong page;
 * {@link Plan.Builder#oauth2ProxyDomains(OAuth2ProxyDomains)} checks every protected host against
 * them before anything is applied.
 *
 * <p>Matching follows OAuth2 Proxy: a domain with a leading dot ({@code .example.com}) covers the
 * domain and every subdomain at any depth; one without covers that host (cookie domains also cover
 * their subdomains, as browsers send a domain cookie to them). Ports ({@code :443}, {@code :*}) on
 * whitelist entries are ignored.
 */
public record OAuth2ProxyDomains(List<String> cookieDomains, List<String> whitelistDomains) {

  public OAuth2ProxyDomains {
    cookieDomains = clean(cookieDomains);
    whitelistDomains = clean(whitelistDomains);
  }

  /** Domains as given by settings. */
  public static OAuth2ProxyDomains of(List<String> cookieDomains, List<String> whitelistDomains) {
    return new OAuth2ProxyDomains(cookieDomains, whitelistDomains);
  }

  /**
   * The domains in OAuth2 Proxy's command line: {@code --cookie-domain} and {@code
   * --whitelist-domain} flags (as {@code --flag=value} or {@code --flag value}, repeatable, values
   * comma-separated).
   */
  public static OAuth2ProxyDomains fromArgs(List<String> args) {
    List<String> cookie = new ArrayList<>();
    List<String> whitelist = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      for (String[] flag :
          new String[][] {
            {"--cookie-domain", "c"},
            {"--whitelist-domain", "w"},
            {"-cookie-domain", "c"},
            {"-whitelist-domain", "w"}
          }) {
        String value = null;
        if (a.startsWith(flag[0] + "=")) {
          value = a.substring(flag[0].length() + 1);
        } else if (a.equals(flag[0]) && i + 1 < args.size()) {
          value = args.get(++i);
        }
        if (value != null) {
          for (String v : value.split(",")) {
            (flag[1].equals("c") ? cookie : whitelist).add(v);
          }
          break;
        }
      }
    }
    return new OAuth2ProxyDomains(cookie, whitelist);
  }

  /**
   * Reads the domains from the OAuth2 Proxy Deployment in {@code namespace}: the Deployment named
   * {@code deployment}, or (when {@code null}) the one whose container image names {@code
   * oauth2-proxy}; flags from the container's {@code args} and {@code command}, and the {@code
   * OAUTH2_PROXY_COOKIE_DOMAINS}/{@code OAUTH2_PROXY_WHITELIST_DOMAINS} environment variables
   * (literal values only). Reads only the Deployment; never its secrets.
   *
   * @throws PreviewEnvException when no such Deployment is found, naming the namespace
   */
  public static OAuth2ProxyDomains read(
      KubernetesClient client, String namespace, String deployment) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(namespace, "namespace");
    List<Deployment> candidates =
        deployment != null
            ? java.util.stream.Stream.ofNullable(
                    client.apps().deployments().inNamespace(namespace).withName(deployment).get())
                .toList()
            : client.apps().deployments().inNamespace(namespace).list().getItems();
    for (Deployment d : candidates) {
      for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
        if (deployment == null
            && (c.getImage() == null
                || !c.getImage().toLowerCase(Locale.ROOT).contains("oauth2-proxy"))) {
          continue;
        }
        List<String> args = new ArrayList<>();
        if (c.getCommand() != null) {
          args.addAll(c.getCommand());
        }
        if (c.getArgs() != null) {
          args.addAll(c.getArgs());
        }
        OAuth2ProxyDomains fromArgs = fromArgs(args);
        List<String> cookie = new ArrayList<>(fromArgs.cookieDomains());
        List<String> whitelist = new ArrayList<>(fromArgs.whitelistDomains());
        if (c.getEnv() != null) {
          for (EnvVar e : c.getEnv()) {
            if (e.getValue() == null) {
              continue;
            }
            if (e.getName().equals("OAUTH2_PROXY_COOKIE_DOMAINS")
                || e.getName().equals("OAUTH2_PROXY_COOKIE_DOMAIN")) {
              cookie.addAll(List.of(e.getValue().split(",")));
            } else if (e.getName().equals("OAUTH2_PROXY_WHITELIST_DOMAINS")
                || e.getName().equals("OAUTH2_PROXY_WHITELIST_DOMAIN")) {
              whitelist.addAll(List.of(e.getValue().split(",")));
            }
          }
        }
        return new OAuth2ProxyDomains(cookie, whitelist);
      }
    }
    throw new PreviewEnvException(
        "No OAuth2 Proxy Deployment "
            + (deployment == null ? "(a container image naming oauth2-proxy)" : deployment)
            + " found in namespace "
            + namespace
            + "; name the namespace (and Deployment) where the central OAuth2 Proxy runs, or give"
            + " its domains with OAuth2ProxyDomains.of(cookieDomains, whitelistDomains)");
  }

  /** Whether the session cookie reaches {@code host}. */
  public boolean cookieCovers(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String d : cookieDomains) {
      String bare = d.startsWith(".") ? d.substring(1) : d;
      if (h.equals(bare) || h.endsWith("." + bare)) {
        return true;
      }
    }
    return false;
  }

  /** Whether OAuth2 Proxy redirects back to {@code host} after sign-in. */
  public boolean whitelistCovers(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String d : whitelistDomains) {
      String entry = d.replaceFirst(":(\\*|[0-9]+)$", "");
      if (entry.startsWith(".")) {
        if (h.equals(entry.substring(1)) || h.endsWith(entry)) {
          return true;
        }
      } else if (entry.startsWith("*.")) {
        if (h.endsWith(entry.substring(1))) {
          return true;
        }
      } else if (h.equals(entry)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> clean(List<String> domains) {
    List<String> out = new ArrayList<>();
    for (String d : Objects.requireNonNull(domains, "domains")) {
      if (d != null && !d.isBlank()) {
        out.add(d.strip().toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(out);
  }
}
