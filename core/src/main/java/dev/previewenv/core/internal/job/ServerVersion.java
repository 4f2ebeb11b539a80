package dev.previewenv.core.internal.job;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Kubernetes server's major.minor version, as reported by {@code /version}. */
public record ServerVersion(int major, int minor) implements Comparable<ServerVersion> {
  private static final Pattern DIGITS = Pattern.compile("^\\s*(\\d+)");
  private static final Pattern GIT = Pattern.compile("^v?(\\d+)\\.(\\d+)");

  /** Whether this version is {@code major.minor} or later. */
  public boolean atLeast(int major, int minor) {
    return compareTo(new ServerVersion(major, minor)) >= 0;
  }

  @Override
  public int compareTo(ServerVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }

  /**
   * Parses {@code major} and {@code minor} (cloud providers report minors such as {@code "20+"}),
   * else the git version ({@code v1.20.15}).
   */
  public static Optional<ServerVersion> parse(String major, String minor, String gitVersion) {
    Optional<Integer> ma = leadingNumber(major);
    Optional<Integer> mi = leadingNumber(minor);
    if (ma.isPresent() && mi.isPresent()) {
      return Optional.of(new ServerVersion(ma.get(), mi.get()));
    }
    if (gitVersion != null) {
      Matcher m = GIT.matcher(gitVersion.strip());
      if (m.find()) {
        return Optional.of(
            new ServerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
      }
    }
    return Optional.empty();
  }

  /** The server's version, or empty when it cannot be read (the reason in {@code why[0]}). */
  public static Optional<ServerVersion> of(KubernetesClient client, String[] why) {
    try {
      VersionInfo v = client.getKubernetesVersion();
      if (v == null) {
        why[0] = "the server returned no version";
        return Optional.empty();
      }
      Optional<ServerVersion> parsed = parse(v.getMajor(), v.getMinor(), v.getGitVersion());
      if (parsed.isEmpty()) {
        why[0] =
            "unparsable version major="
                + v.getMajor()
                + " minor="
                + v.getMinor()
                + " gitVersion="
                + v.getGitVersion();
      }
      return parsed;
    } catch (RuntimeException e) {
      why[0] = "reading /version failed: " + e.getMessage();
      return Optional.empty();
    }
  }

  private static Optional<Integer> leadingNumber(String s) {
    if (s == null) {
      return Optional.empty();
    }
    Matcher m = DIGITS.matcher(s);
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }
}
