package dev.previewenv.core;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One image substitution with the semantics of an entry of kustomize's {@code images:} list,
 * written in the syntax of {@code kustomize edit set image}:
 *
 * <ul>
 *   <li>{@code api=registry.example.com:5000/team/api:sha-1f2e}: new name and new tag
 *   <li>{@code api=registry.example.com/team/api@sha256:<64 hex>}: new name and digest
 *   <li>{@code api=registry.example.com/team/api:sha-1f2e@sha256:<64 hex>}: all three
 *   <li>{@code api=mirror.example.com/api}: new name only, the tag or digest is kept
 *   <li>{@code api:sha-1f2e}, {@code api@sha256:<64 hex>}: new tag or digest only
 * </ul>
 *
 * <p>Matching and rewriting, as kustomize 5 does it: an image matches when its name without tag and
 * digest equals {@link #name()} exactly (a registry with its port is part of the name; there is no
 * {@code docker.io/library/} normalisation, so {@code nginx} and {@code docker.io/library/nginx}
 * are different names). A new name replaces the name. A new tag replaces the tag and removes any
 * digest; a digest replaces the digest and removes any tag; both set give {@code name:tag@digest};
 * neither keeps the original tag and digest. Deliberate difference: kustomize reads the name as a
 * regular expression (so {@code my.app} would also match {@code myXapp}); here it is compared
 * literally.
 *
 * <p>An override may also set the {@linkplain #withPullPolicy pull policy} of every container whose
 * image it matches (e.g. {@code Always} for a moving tag, {@code IfNotPresent} for a digest); that
 * is not part of the {@code kustomize edit set image} form and so not of {@link #toString()}.
 *
 * <p>Instances are immutable and validated: an instance always says something to change.
 */
public final class ImageOverride {
  private static final String EXAMPLES =
      "use the form of kustomize edit set image, e.g. \"api=registry.example.com:5000/team/api:sha-1f2e\","
          + " \"api=registry.example.com/team/api@sha256:<64 hex digits>\" or \"api:sha-1f2e\"";

  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern NAME =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?/)?"
              + COMPONENT
              + "(?:/"
              + COMPONENT
              + ")*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");
  private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

  private final String name;
  private final String newName;
  private final String newTag;
  private final String digest;
  private final PullPolicy pullPolicy;

  private ImageOverride(
      String name, String newName, String newTag, String digest, PullPolicy pullPolicy) {
    this.name = name;
    this.newName = newName;
    this.newTag = newTag;
    this.digest = digest;
    this.pullPolicy = pullPolicy;
  }

  /**
   * Parses one argument of {@code kustomize edit set image}.
   *
   * @throws IllegalArgumentException quoting the input and showing the accepted forms when the
   *     syntax is wrong or the override would change nothing
   */
  public static ImageOverride parse(String setImage) {
    if (setImage == null || setImage.isBlank()) {
      throw invalid(setImage, "it is empty");
    }
    String s = setImage.strip();
    int eq = s.indexOf('=');
    if (eq >= 0) {
      String name = s.substring(0, eq);
      String[] target = splitReference(setImage, s.substring(eq + 1));
      return create(setImage, name, target[0], target[1], target[2]);
    }
    String[] parts = splitReference(setImage, s);
    if (parts[1] == null && parts[2] == null) {
      throw invalid(
          setImage,
          "it names an image but says nothing to change: add \"=new-name\", \":new-tag\" or"
              + " \"@digest\"");
    }
    return create(setImage, parts[0], null, parts[1], parts[2]);
  }

  private static ImageOverride create(
      String input, String name, String newName, String newTag, String digest) {
    checkName(input, name, "image name");
    if (newName != null) {
      checkName(input, newName, "new image name");
    }
    if (newTag != null) {
      checkTag(input, newTag);
    }
    if (digest != null) {
      checkDigest(input, digest);
    }
    if (newName == null && newTag == null && digest == null) {
      throw invalid(input, "it says nothing to change");
    }
    return new ImageOverride(name, newName, newTag, digest, null);
  }

  /** A copy with this new name (registry and repository, without tag), e.g. {@code reg/api}. */
  public ImageOverride withNewName(String newName) {
    return create(describe(), name, Objects.requireNonNull(newName, "newName"), newTag, digest)
        .keeping(pullPolicy);
  }

  /** A copy with this new tag. */
  public ImageOverride withNewTag(String newTag) {
    return create(describe(), name, newName, Objects.requireNonNull(newTag, "newTag"), digest)
        .keeping(pullPolicy);
  }

  /** A copy with this digest, e.g. {@code sha256:<64 hex digits>}. */
  public ImageOverride withDigest(String digest) {
    return create(describe(), name, newName, newTag, Objects.requireNonNull(digest, "digest"))
        .keeping(pullPolicy);
  }

  /**
   * A copy that also sets {@code imagePullPolicy} of every container whose image it matches
   * (whatever the manifest said, e.g. a local overlay's {@code Never}).
   */
  public ImageOverride withPullPolicy(PullPolicy pullPolicy) {
    return keeping(Objects.requireNonNull(pullPolicy, "pullPolicy"));
  }

  private ImageOverride keeping(PullPolicy policy) {
    return new ImageOverride(name, newName, newTag, digest, policy);
  }

  /** The pull policy set on the containers this override matches, if any. */
  public Optional<PullPolicy> pullPolicy() {
    return Optional.ofNullable(pullPolicy);
  }

  /** The image name matched, without tag or digest, e.g. {@code api}. */
  public String name() {
    return name;
  }

  /** The name that replaces the matched name, if any. */
  public Optional<String> newName() {
    return Optional.ofNullable(newName);
  }

  /** The tag that replaces the tag (and removes any digest, unless a digest is also set). */
  public Optional<String> newTag() {
    return Optional.ofNullable(newTag);
  }

  /** The digest that replaces the digest (and removes any tag, unless a tag is also set). */
  public Optional<String> digest() {
    return Optional.ofNullable(digest);
  }

  /** Whether {@code image}'s name, without tag and digest, is this override's {@link #name()}. */
  public boolean matches(String image) {
    return image != null && name.equals(splitReference(image)[0]);
  }

  /**
   * The image as rewritten by this override, or empty when it does not {@linkplain #matches match}.
   */
  public Optional<String> rewrite(String image) {
    if (!matches(image)) {
      return Optional.empty();
    }
    String[] parts = splitReference(image);
    String tag = parts[1];
    String dig = parts[2];
    if (newTag != null && digest != null) {
      tag = newTag;
      dig = digest;
    } else if (newTag != null) {
      tag = newTag;
      dig = null;
    } else if (digest != null) {
      tag = null;
      dig = digest;
    }
    StringBuilder sb = new StringBuilder(newName != null ? newName : parts[0]);
    if (tag != null) {
      sb.append(':').append(tag);
    }
    if (dig != null) {
      sb.append('@').append(dig);
    }
    return Optional.of(sb.toString());
  }

  /** The {@code kustomize edit set image} form, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return describe();
  }

  private String describe() {
    StringBuilder sb = new StringBuilder(name);
    if (newName != null) {
      sb.append('=').append(newName);
    }
    if (newTag != null) {
      sb.append(':').append(newTag);
    }
    if (digest != null) {
      sb.append('@').append(digest);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageOverride other
        && name.equals(other.name)
        && Objects.equals(newName, other.newName)
        && Objects.equals(newTag, other.newTag)
        && Objects.equals(digest, other.digest)
        && pullPolicy == other.pullPolicy;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, newName, newTag, digest, pullPolicy);
  }

  /**
   * Splits an image reference into name, tag (or null) and digest (or null). The digest follows the
   * first {@code @}; the tag follows a {@code :} after the last {@code /}, so a registry port is
   * part of the name.
   */
  private static String[] splitReference(String image) {
    String rest = image;
    String dig = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      dig = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    return new String[] {rest, tag, dig};
  }

  private static String[] splitReference(String input, String reference) {
    if (reference.isEmpty()) {
      throw invalid(input, "the part after '=' is empty");
    }
    if (reference.indexOf('@') != reference.lastIndexOf('@')) {
      throw invalid(input, "it has more than one '@'");
    }
    if (reference.contains("*")) {
      throw invalid(
          input,
          "'*' (keep the value of an existing kustomization entry) has no meaning here;"
              + " write the new name, tag or digest in full");
    }
    return splitReference(reference);
  }

  private static void checkName(String input, String name, String what) {
    if (!NAME.matcher(name).matches()) {
      throw invalid(
          input,
          "the "
              + what
              + " \""
              + name
              + "\" is not a valid image name (lowercase path components separated by '/',"
              + " optionally after a registry host with port)");
    }
  }

  private static void checkTag(String input, String tag) {
    if (!TAG.matcher(tag).matches()) {
      throw invalid(
          input,
          "the tag \""
              + tag
              + "\" is not valid (1 to 128 characters of [A-Za-z0-9_.-], not starting with '.' or"
              + " '-')");
    }
  }

  private static void checkDigest(String input, String digest) {
    boolean ok =
        digest.startsWith("sha256:")
            ? SHA256.matcher(digest).matches()
            : DIGEST.matcher(digest).matches();
    if (!ok) {
      throw invalid(
          input,
          "the digest \""
              + digest
              + "\" is not valid (expected algorithm:hex, e.g. sha256: followed by 64 lowercase"
              + " hex digits)");
    }
  }

  private static IllegalArgumentException invalid(String input, String why) {
    return new IllegalArgumentException(
        "Image override \"" + input + "\" is invalid: " + why + "; " + EXAMPLES);
  }
}
