package dev.previewenv.core.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The in-process counterpart of {@link RealCluster}: every test method of the class gets a fresh
 * {@link KubeTestServer} (fabric8's in-process API server) and, unless {@link #simulator()} is
 * false, a {@link ControllerSimulator} on it. Test methods and {@code @BeforeEach} methods declare
 * what they need as parameters: {@link KubeTestServer}, {@link KubernetesClient} (or {@link
 * NamespacedKubernetesClient}), {@link ControllerSimulator}. Both are closed after the test (the
 * simulator first), whatever the test did: JUnit closes the {@code AutoCloseable} values of a
 * test's store when the test ends.
 *
 * <pre>{@code
 * @InProcessCluster(simulatorOptions = "options")
 * class MyTest {
 *   static SimulatorOptions options() { return SimulatorOptions.builder()...build(); }
 *
 *   @Test
 *   void up(KubernetesClient client) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(InProcessCluster.Extension.class)
public @interface InProcessCluster {
  /** Whether a {@link ControllerSimulator} runs on the server (default: yes). */
  boolean simulator() default true;

  /**
   * The name of a static no-argument method of the test class returning the {@link
   * SimulatorOptions} of the simulator; empty for {@link SimulatorOptions#defaults()}.
   */
  String simulatorOptions() default "";

  /** Starts and closes the server and simulator of each test; resolves their parameters. */
  final class Extension implements ParameterResolver {
    private static final Namespace STORE = Namespace.create(InProcessCluster.class);
    private static final Set<Class<?>> TYPES =
        Set.of(
            KubeTestServer.class,
            KubernetesClient.class,
            NamespacedKubernetesClient.class,
            ControllerSimulator.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      Class<?> type = parameter.getParameter().getType();
      if (!TYPES.contains(type)) {
        return false;
      }
      return type != ControllerSimulator.class || annotation(context).simulator();
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      Fixture fixture =
          context
              .getStore(STORE)
              .getOrComputeIfAbsent(Fixture.class, k -> start(context), Fixture.class);
      Class<?> type = parameter.getParameter().getType();
      if (type == KubeTestServer.class) {
        return fixture.kube;
      }
      if (type == ControllerSimulator.class) {
        return fixture.simulator;
      }
      return fixture.kube.client();
    }

    private static Fixture start(ExtensionContext context) {
      InProcessCluster config = annotation(context);
      KubeTestServer kube = new KubeTestServer();
      try {
        ControllerSimulator sim =
            config.simulator() ? ControllerSimulator.start(kube, options(context, config)) : null;
        return new Fixture(kube, sim);
      } catch (RuntimeException | Error e) {
        kube.close();
        throw e;
      }
    }

    private static SimulatorOptions options(ExtensionContext context, InProcessCluster config) {
      if (config.simulatorOptions().isEmpty()) {
        return SimulatorOptions.defaults();
      }
      Class<?> test = context.getRequiredTestClass();
      try {
        Method m = test.getDeclaredMethod(config.simulatorOptions());
        m.setAccessible(true);
        return (SimulatorOptions) m.invoke(null);
      } catch (ReflectiveOperationException | ClassCastException e) {
        throw new ParameterResolutionException(
            "@InProcessCluster(simulatorOptions = \""
                + config.simulatorOptions()
                + "\"): "
                + test.getName()
                + " needs a static method of that name, without parameters, returning"
                + " SimulatorOptions",
            e);
      }
    }

    private static InProcessCluster annotation(ExtensionContext context) {
      Class<?> c = context.getRequiredTestClass();
      while (c != null) {
        InProcessCluster a = c.getAnnotation(InProcessCluster.class);
        if (a != null) {
          return a;
        }
        c = c.getEnclosingClass();
      }
      throw new IllegalStateException("no @InProcessCluster on " + context.getRequiredTestClass());
    }
  }

  /** The server and simulator of one test, closed together (simulator first). */
  final class Fixture implements AutoCloseable {
    final KubeTestServer kube;
    final ControllerSimulator simulator;
    private final java.util.concurrent.atomic.AtomicBoolean closed =
        new java.util.concurrent.atomic.AtomicBoolean();

    Fixture(KubeTestServer kube, ControllerSimulator simulator) {
      this.kube = kube;
      this.simulator = simulator;
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      try {
        if (simulator != null) {
          simulator.close();
        }
      } finally {
        kube.close();
      }
    }
  }
}
