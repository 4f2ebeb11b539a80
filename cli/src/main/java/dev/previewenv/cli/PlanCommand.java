package dev.previewenv.cli;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Route;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code plan}: what {@code up} would send, without a cluster. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Show what up would deploy, without a cluster: the transformed objects as YAML (secret"
          + " values redacted), the environment name, hosts, image changes and warnings.",
      "Exit 1 on an invalid plan, listing every problem."
    })
final class PlanCommand implements Callable<Integer> {
  private final PreviewEnvCli.Context context;

  @Mixin EnvironmentOptions environment;
  @Mixin StackOptions stack;

  PlanCommand(PreviewEnvCli.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    EnvironmentName name = environment.environment(context);
    Plan plan = stack.plan(context, name);
    var out = context.out();
    out.print(plan.toRedactedYaml());
    out.println("---");
    out.println("# Environment " + name.value() + " (namespace " + plan.namespace() + ")");
    out.println("# Branch " + name.branch().orElse("(none)"));
    out.println("# Objects " + plan.objects().size());
    for (Route r : plan.routes()) {
      out.println("# Host " + r.host() + r.path() + " -> service " + r.service());
    }
    for (String image : stack.images()) {
      out.println("# Image override " + image);
    }
    for (String image : CiReport.of(plan, stack.images()).imagesDeployed()) {
      out.println("# Image deployed " + image);
    }
    for (String w : plan.warnings()) {
      out.println("# Warning: " + w);
    }
    return 0;
  }
}
