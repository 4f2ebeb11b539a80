package dev.previewenv.core.internal.transform;

import static dev.previewenv.core.internal.transform.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelTransformTest {
  @Test
  void labelsEveryObjectButNotPodTemplates() {
    Deployment d = deployment("api", "api:1");
    HasMetadata cm = configMap("c");
    cm.getMetadata().setLabels(Map.of("app.kubernetes.io/managed-by", "Helm", "keep", "me"));

    Outcome out = new LabelTransform("pr-1").apply(List.of(d, cm));

    for (HasMetadata o : out.objects()) {
      assertThat(o.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "previewenv")
          .containsEntry("previewenv.dev/environment", "pr-1");
    }
    assertThat(out.objects().get(1).getMetadata().getLabels()).containsEntry("keep", "me");
    Deployment result = (Deployment) out.objects().get(0);
    assertThat(result.getSpec().getTemplate().getMetadata().getLabels())
        .containsExactly(Map.entry("app", "api"));
    assertThat(result.getSpec().getSelector().getMatchLabels())
        .containsExactly(Map.entry("app", "api"));
    assertThat(d.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(cm.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "Helm");
  }
}
