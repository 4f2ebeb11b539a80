package dev.previewenv.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The name of a preview environment: a DNS-1123 label used as the namespace and as the first DNS
 * label of every host.
 *
 * <p>Guarantees: lowercase {@code [a-z0-9-]}, starts with a letter, ends with a letter or digit, at
 * most 63 characters including any prefix, the same for the same input on every JVM, never one of
 * Kubernetes' own namespaces ({@code default}, {@code kube-*}: {@code kube-system} gives {@code
 * b-kube-system-<hash>}). Whenever sanitising changed or shortened the branch, a short stable hash
 * of the original branch is appended, so {@code Feature/X}, {@code feature-x} and {@code feature_x}
 * give three distinct names.
 *
 * <p>One name per branch: the branch is first made canonical ({@link #canonicalBranch}):
 * surrounding whitespace, {@code refs/heads/}, {@code refs/remotes/<remote>/}, {@code
 * remotes/<remote>/} and {@code origin/} are not part of it, so {@code feature/x}, {@code
 * refs/heads/feature/x}, {@code origin/feature/x} and {@code refs/remotes/upstream/feature/x} all
 * give one name; the hash is taken over the canonical branch.
 */
public final class EnvironmentName {
  /** The longest name Kubernetes accepts for a namespace or a DNS label. */
  public static final int MAX_LENGTH = 63;

  private static final int HASH_LENGTH = 8;
  private static final int MAX_PREFIX_LENGTH = 20;
  private static final Pattern VALID = Pattern.compile("[a-z]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern HASH_SHAPED_END =
      Pattern.compile(".*-[0-9a-f]{" + HASH_LENGTH + "}");
  private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
  private static final Set<String> RESERVED =
      Set.of("default", "kube-system", "kube-public", "kube-node-lease");

  private final String value;
  private final String branch;

  private EnvironmentName(String value, String branch) {
    this.value = value;
    this.branch = branch;
  }

  /**
   * The environment name for a git branch, e.g. {@code feature/Login-Fix} gives {@code
   * feature-login-fix-1b2c3d4e}.
   *
   * @throws IllegalArgumentException when the branch is blank or has no letter or digit
   */
  public static EnvironmentName forBranch(String branch) {
    return forBranch(null, branch);
  }

  /**
   * The environment name for a git branch with a prefix, e.g. prefix {@code pr} and branch {@code
   * main} give {@code pr-main}. The prefix must be a valid name itself, at most 20 characters.
   *
   * @param prefix lowercase {@code [a-z0-9-]}, starting with a letter; {@code null} or empty for
   *     none
   * @throws IllegalArgumentException when the prefix is invalid, or the branch is blank or has no
   *     letter or digit
   */
  public static EnvironmentName forBranch(String prefix, String branch) {
    if (branch == null) {
      throw new IllegalArgumentException(
          "Branch name is null: pass the git branch, e.g. EnvironmentName.forBranch(\"feature/x\")");
    }
    String p = prefix == null ? "" : prefix;
    if (!p.isEmpty() && (p.length() > MAX_PREFIX_LENGTH || !VALID.matcher(p).matches())) {
      throw new IllegalArgumentException(
          "Environment prefix \""
              + p
              + "\" is invalid: use at most "
              + MAX_PREFIX_LENGTH
              + " characters of [a-z0-9-], starting with a letter and ending with a letter or"
              + " digit, e.g. \"pr\"");
    }
    String stripped = canonicalBranch(branch);
    if (stripped.codePoints().noneMatch(Character::isLetterOrDigit)) {
      throw new IllegalArgumentException(
          "Branch name \""
              + branch
              + "\" has no letter or digit, so no environment name can be made from it;"
              + " pass the real branch name (e.g. \"feature/login\")");
    }
    String head = p.isEmpty() ? "" : p + "-";
    String clean = sanitize(stripped);
    boolean changed = !clean.equals(stripped);
    if (clean.isEmpty()) {
      clean = "branch"; // only non-Latin letters or digits: the hash tells such branches apart
      changed = true;
    } else if (head.isEmpty() && (!Character.isLetter(clean.charAt(0)) || isReserved(clean))) {
      // "b-" keeps a digit-first branch a valid label and "kube-*" out of Kubernetes' own names
      clean = "b-" + clean;
      changed = true;
    }
    String candidate = head + clean;
    boolean needsHash =
        changed
            || candidate.length() > MAX_LENGTH
            || isReserved(candidate)
            || HASH_SHAPED_END.matcher(candidate).matches();
    if (!needsHash) {
      return new EnvironmentName(candidate, stripped);
    }
    String hash = hash(stripped);
    int room = MAX_LENGTH - HASH_LENGTH - 1;
    String base = candidate.length() > room ? candidate.substring(0, room) : candidate;
    base = trimDashes(base);
    return new EnvironmentName(base + "-" + hash, stripped);
  }

  /**
   * An existing environment name, e.g. read from a namespace. Unlike {@link #forBranch}, nothing is
   * sanitised: the value must already be valid.
   *
   * @throws IllegalArgumentException when the value is not a valid environment name
   */
  public static EnvironmentName of(String value) {
    if (value == null
        || value.length() > MAX_LENGTH
        || !VALID.matcher(value).matches()
        || isReserved(value)) {
      throw new IllegalArgumentException(
          "\""
              + value
              + "\" is not a valid environment name: use at most 63 characters of [a-z0-9-],"
              + " starting with a letter and ending with a letter or digit, not default or kube-*;"
              + " EnvironmentName.forBranch(branch) makes one from any branch name");
    }
    return new EnvironmentName(value, null);
  }

  /** The name itself: the namespace and the first DNS label of every host. */
  public String value() {
    return value;
  }

  /**
   * The branch this name was made from, canonical ({@link #canonicalBranch}), when made by {@link
   * #forBranch}.
   */
  public Optional<String> branch() {
    return Optional.ofNullable(branch);
  }

  private static boolean isReserved(String name) {
    return RESERVED.contains(name) || name.startsWith("kube-");
  }

  /**
   * The branch as git names it: surrounding whitespace, {@code refs/heads/}, {@code
   * refs/remotes/<remote>/}, {@code remotes/<remote>/} and {@code origin/} removed (each once, in
   * that order), e.g. {@code " refs/remotes/origin/feature/x\n"} gives {@code feature/x}.
   */
  public static String canonicalBranch(String branch) {
    String b = branch.strip();
    if (b.startsWith("refs/heads/")) {
      b = b.substring("refs/heads/".length());
    } else if (b.startsWith("refs/remotes/")) {
      b = afterRemote(b.substring("refs/remotes/".length()));
    } else if (b.startsWith("remotes/")) {
      b = afterRemote(b.substring("remotes/".length()));
    }
    if (b.startsWith("origin/")) {
      b = b.substring("origin/".length());
    }
    return b.strip();
  }

  private static String afterRemote(String remoteAndBranch) {
    int slash = remoteAndBranch.indexOf('/');
    return slash < 0 ? remoteAndBranch : remoteAndBranch.substring(slash + 1);
  }

  /** Lowercase, accents dropped, every run of other characters one dash, no dash at either end. */
  private static String sanitize(String branch) {
    String ascii =
        COMBINING_MARKS.matcher(Normalizer.normalize(branch, Normalizer.Form.NFD)).replaceAll("");
    StringBuilder sb = new StringBuilder(ascii.length());
    boolean dash = false;
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (dash && sb.length() > 0) {
          sb.append('-');
        }
        sb.append(c);
        dash = false;
      } else {
        dash = true;
      }
    }
    return sb.toString();
  }

  private static String trimDashes(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '-') {
      end--;
    }
    return s.substring(0, end);
  }

  private static String hash(String branch) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(branch.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(HASH_LENGTH);
      for (int i = 0; i < HASH_LENGTH / 2; i++) {
        sb.append(Character.forDigit((digest[i] >> 4) & 0xf, 16));
        sb.append(Character.forDigit(digest[i] & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvironmentName other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }

  static boolean isValid(String name) {
    return name != null && name.length() <= MAX_LENGTH && VALID.matcher(name).matches();
  }
}
