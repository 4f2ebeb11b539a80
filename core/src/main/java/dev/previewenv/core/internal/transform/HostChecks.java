package dev.previewenv.core.internal.transform;

import dev.previewenv.core.OAuth2ProxyDomains;
import dev.previewenv.core.internal.kube.Coordinates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks of the rewritten hosts that catch the two failures preview environments meet most, before
 * anything is applied:
 *
 * <ul>
 *   <li>TLS: every host of an Ingress TLS entry must be covered by the certificate in the entry's
 *       secret (its subject alternative names; a wildcard covers exactly one label), when that
 *       secret is known (in the plan, or copied/synced in by PreviewEnv). Only the certificate's
 *       public part ({@code tls.crt}) is read, and only its names are ever shown.
 *   <li>Login: every protected host must be in OAuth2 Proxy's cookie domains and whitelist domains.
 * </ul>
 *
 * Each finding is one message; the caller makes it a warning or (when strict) a problem.
 */
public final class HostChecks {
  public static final String TLS_CRT = "tls.crt";

  private HostChecks() {}

  /** The secrets among {@code objects} that hold a {@code tls.crt}, by name. */
  public static Map<String, Secret> certificates(Collection<? extends HasMetadata> objects) {
    Map<String, Secret> out = new LinkedHashMap<>();
    for (HasMetadata o : objects) {
      if (o instanceof Secret s && s.getMetadata() != null && hasCertificate(s)) {
        out.put(s.getMetadata().getName(), s);
      }
    }
    return out;
  }

  private static boolean hasCertificate(Secret s) {
    return (s.getData() != null && s.getData().containsKey(TLS_CRT))
        || (s.getStringData() != null && s.getStringData().containsKey(TLS_CRT));
  }

  /**
   * Findings for every Ingress TLS host whose secret is in {@code certificates} and does not cover
   * it.
   *
   * @param where how the secrets got here, for messages, e.g. {@code "in the plan"}
   */
  public static List<String> tls(
      List<HasMetadata> objects, Map<String, Secret> certificates, String where) {
    List<String> findings = new ArrayList<>();
    Map<String, List<String>> sansBySecret = new LinkedHashMap<>();
    for (HasMetadata o : objects) {
      if (!IngressHostTransform.isIngress(o)) {
        continue;
      }
      Map<String, Object> spec = map(Resources.toTree(o).get("spec"));
      for (Object t : list(spec.get("tls"))) {
        Map<String, Object> tls = map(t);
        if (!(tls.get("secretName") instanceof String secretName)
            || !certificates.containsKey(secretName)) {
          continue;
        }
        List<String> sans =
            sansBySecret.computeIfAbsent(
                secretName, n -> subjectAltNames(certificates.get(n), findings, n, where));
        if (sans == null) {
          continue;
        }
        for (Object h : list(tls.get("hosts"))) {
          if (h instanceof String host && !covers(sans, host)) {
            findings.add(
                "Ingress/"
                    + Coordinates.name(o)
                    + ": TLS host \""
                    + host
                    + "\" is not covered by the certificate in secret "
                    + secretName
                    + " ("
                    + where
                    + "; its names: "
                    + (sans.isEmpty() ? "none" : String.join(", ", sans))
                    + "): browsers will refuse the connection. A wildcard covers exactly one"
                    + " label: with host format {env}-{host} one certificate for *.<domain>"
                    + " covers every environment (e.g. pr-1-api.example.com), with {env}.{host}"
                    + " it does not; or issue a certificate for the environment's hosts");
          }
        }
      }
    }
    return findings;
  }

  /** Whether one of the names covers {@code host}: exactly, or by a one-label wildcard. */
  static boolean covers(List<String> names, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String n : names) {
      String name = n.toLowerCase(Locale.ROOT);
      if (name.equals(h)) {
        return true;
      }
      if (name.startsWith("*.") && !h.startsWith("*.")) {
        int dot = h.indexOf('.');
        if (dot > 0 && h.substring(dot).equals(name.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> subjectAltNames(
      Secret secret, List<String> findings, String name, String where) {
    byte[] pem;
    if (secret.getData() != null && secret.getData().get(TLS_CRT) != null) {
      try {
        pem = Base64.getMimeDecoder().decode(secret.getData().get(TLS_CRT));
      } catch (IllegalArgumentException e) {
        findings.add(
            "secret " + name + " (" + where + "): tls.crt is not base64; it cannot be checked");
        return null;
      }
    } else {
      pem = secret.getStringData().get(TLS_CRT).getBytes(StandardCharsets.UTF_8);
    }
    try {
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(pem));
      List<String> names = new ArrayList<>();
      Collection<List<?>> alt = cert.getSubjectAlternativeNames();
      if (alt != null) {
        for (List<?> entry : alt) {
          if (entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0))) {
            names.add(String.valueOf(entry.get(1)));
          }
        }
      }
      return names;
    } catch (CertificateParsingException e) {
      findings.add(
          "secret " + name + " (" + where + "): the certificate's names cannot be read; check it");
      return null;
    } catch (CertificateException | ClassCastException e) {
      findings.add(
          "secret "
              + name
              + " ("
              + where
              + "): tls.crt is not a PEM or DER X.509 certificate; it cannot be checked");
      return null;
    }
  }

  /**
   * Findings for every protected host (of Ingresses protected by ingress-nginx or Traefik, and of
   * routes a PreviewEnv SecurityPolicy targets) that OAuth2 Proxy's domains do not cover.
   */
  public static List<String> login(List<HasMetadata> objects, OAuth2ProxyDomains domains) {
    List<String> findings = new ArrayList<>();
    Set<String> policyTargets = new LinkedHashSet<>();
    for (HasMetadata o : objects) {
      if ("SecurityPolicy".equals(o.getKind())
          && "previewenv-oauth2-proxy".equals(Coordinates.name(o))) {
        for (Object t : list(map(Resources.toTree(o).get("spec")).get("targetRefs"))) {
          policyTargets.add(map(t).get("kind") + "/" + map(t).get("name"));
        }
      }
    }
    for (HasMetadata o : objects) {
      List<String> hosts = protectedHosts(o, policyTargets);
      for (String host : hosts) {
        String object = o.getKind() + "/" + Coordinates.name(o);
        if (!domains.cookieCovers(host)) {
          findings.add(
              object
                  + ": protected host \""
                  + host
                  + "\" is outside OAuth2 Proxy's cookie domains "
                  + domains.cookieDomains()
                  + ": after sign-in the session cookie is never sent to it, so every request is"
                  + " sent to sign in again (a redirect loop). Add a cookie domain that covers it"
                  + " (--cookie-domain=.<domain>) or use a host format that keeps the hosts in"
                  + " one");
        }
        if (!domains.whitelistCovers(host)) {
          findings.add(
              object
                  + ": protected host \""
                  + host
                  + "\" is outside OAuth2 Proxy's whitelist domains "
                  + domains.whitelistDomains()
                  + ": after sign-in it will not redirect back there (users land on the auth"
                  + " host, and each retry signs in again). Add --whitelist-domain=.<domain>");
        }
      }
    }
    return findings;
  }

  private static List<String> protectedHosts(HasMetadata o, Set<String> policyTargets) {
    Map<String, String> a = o.getMetadata() == null ? null : o.getMetadata().getAnnotations();
    List<String> hosts = new ArrayList<>();
    if (IngressHostTransform.isIngress(o)
        && a != null
        && (a.containsKey(ProtectionTransform.AUTH_URL)
            || String.valueOf(a.get("traefik.ingress.kubernetes.io/router.middlewares"))
                .contains("previewenv-oauth2-proxy@"))) {
      for (Object r : list(map(Resources.toTree(o).get("spec")).get("rules"))) {
        if (map(r).get("host") instanceof String h && !h.isEmpty()) {
          hosts.add(h);
        }
      }
    } else if (IngressHostTransform.isGatewayRoute(o)
        && policyTargets.contains(o.getKind() + "/" + Coordinates.name(o))) {
      for (Object h : list(map(Resources.toTree(o).get("spec")).get("hostnames"))) {
        if (h instanceof String s) {
          hosts.add(s);
        }
      }
    }
    return hosts;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }
}
