package dev.previewenv.core.internal.rbac;

import dev.previewenv.core.PreflightReport.Permission;
import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Asks the API server with a {@code SelfSubjectAccessReview} (which every authenticated identity
 * may create). An answer without a status is an error, except in the test mode made by {@link
 * #assumingAllowedWithoutAuthorizer}, for API servers that only store objects (fabric8's in-process
 * server).
 */
public final class SelfSubjectAccessReviewer implements AccessReviewer {
  private final KubernetesClient client;
  private final Retry retry;
  private final boolean missingStatusMeansAllowed;

  private SelfSubjectAccessReviewer(
      KubernetesClient client, Retry retry, boolean missingStatusMeansAllowed) {
    this.client = client;
    this.retry = retry;
    this.missingStatusMeansAllowed = missingStatusMeansAllowed;
  }

  /** The reviewer for real API servers. */
  public static SelfSubjectAccessReviewer of(KubernetesClient client, Retry retry) {
    return new SelfSubjectAccessReviewer(client, retry, false);
  }

  /**
   * TEST MODE: a review answered without a status counts as allowed. Only for API servers without
   * an authorizer, such as fabric8's in-process server, which stores the review unanswered.
   */
  public static SelfSubjectAccessReviewer assumingAllowedWithoutAuthorizer(
      KubernetesClient client, Retry retry) {
    return new SelfSubjectAccessReviewer(client, retry, true);
  }

  @Override
  public boolean allowed(Permission p) {
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withVerb(p.verb())
            .withGroup(p.group())
            .withResource(
                p.resource().contains("/")
                    ? p.resource().substring(0, p.resource().indexOf('/'))
                    : p.resource())
            .withSubresource(
                p.resource().contains("/")
                    ? p.resource().substring(p.resource().indexOf('/') + 1)
                    : null)
            .withNamespace(p.namespace())
            .endResourceAttributes()
            .endSpec()
            .build();
    if (missingStatusMeansAllowed) {
      // fabric8's test server wants a name; a real API server refuses any metadata here
      review.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
              .withGenerateName("previewenv-preflight-")
              .build());
    }
    SelfSubjectAccessReview answer;
    try {
      answer =
          retry.call(
              new Retry.Op(
                  "create", "authorization.k8s.io", "selfsubjectaccessreviews", null, null),
              () -> client.authorization().v1().selfSubjectAccessReview().create(review));
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      throw new PreviewEnvException(
          "The API server refused the SelfSubjectAccessReview for "
              + p
              + " with HTTP "
              + e.getCode()
              + "; expected an answer allowed true or false. It may not be a real API server: run"
              + " without preflight (Provisioner.withPreflight(false))",
          e);
    }
    if (answer == null || answer.getStatus() == null || answer.getStatus().getAllowed() == null) {
      if (missingStatusMeansAllowed) {
        return true;
      }
      throw new PreviewEnvException(
          "The API server answered the SelfSubjectAccessReview for "
              + p
              + " without a status; expected allowed true or false. It may not be a real API"
              + " server: run without preflight (Provisioner.withPreflight(false))");
    }
    return answer.getStatus().getAllowed();
  }
}
