package dev.previewenv.junit;

import dev.previewenv.core.Preview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

/**
 * The extension behind {@link PreviewEnvironment} and {@link ServiceUrl}. Stateless: the run's
 * cluster and environments live in the root store (closed at the end of the run), a class's handle
 * in its class store.
 */
final class PreviewEnvironmentExtension
    implements BeforeAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        AfterAllCallback,
        ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(PreviewEnvironmentExtension.class);
  private static final String CLUSTER_KEY = "cluster";
  private static final String HANDLE_KEY = "environment";

  /** The class store's entry; not {@link AutoCloseable}, so closing a class store keeps it. */
  private record Handle(TestEnvironment environment) {}

  private final Settings.Environment variables;

  PreviewEnvironmentExtension() {
    this(Settings.Environment.system());
  }

  PreviewEnvironmentExtension(Settings.Environment variables) {
    this.variables = variables;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    environment(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    refuseOnMethod(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    markFailedOnError(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    markFailedOnError(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.isAnnotated(ServiceUrl.class)) {
      return true;
    }
    Class<?> type = parameter.getParameter().getType();
    boolean ours =
        type == Preview.class
            || type == KubernetesClient.class
            || type.getName().equals(RestAssuredSupport.REQUEST_SPECIFICATION);
    return ours && annotation(context).isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    String where = describe(parameter);
    Optional<ServiceUrl> serviceUrl = parameter.findAnnotation(ServiceUrl.class);
    if (annotation(context).isEmpty()) {
      throw new ParameterResolutionException(
          "@ServiceUrl on "
              + where
              + " needs a preview environment, but "
              + context.getRequiredTestClass().getName()
              + " has no @PreviewEnvironment; annotate the test class with"
              + " @PreviewEnvironment(manifests = ...)");
    }
    TestEnvironment env = environment(context);
    if (serviceUrl.isEmpty()) {
      if (type == Preview.class) {
        return env.preview()
            .orElseThrow(
                () ->
                    new ParameterResolutionException(
                        "Cannot inject Preview into "
                            + where
                            + ": in attach mode ("
                            + PreviewEnvironment.NAMESPACE
                            + " = "
                            + env.namespace()
                            + ") the environment was provisioned elsewhere and has no handle here;"
                            + " inject KubernetesClient or @ServiceUrl(\"<service>\") URI"
                            + " instead"));
      }
      if (type == KubernetesClient.class) {
        // the run's client, its default namespace the environment's; closed with the run
        return env.client().adapt(NamespacedKubernetesClient.class).inNamespace(env.namespace());
      }
      throw new ParameterResolutionException(
          "Cannot inject "
              + type.getSimpleName()
              + " into "
              + where
              + " without a service: annotate the parameter with @ServiceUrl(\"<service>\")");
    }
    String service = serviceUrl.get().value();
    URI url;
    try {
      url = env.url(service);
    } catch (TestEnvironment.UnknownServiceException e) {
      throw new ParameterResolutionException(
          "Cannot resolve @ServiceUrl(\"" + service + "\") for " + where + ": " + e.getMessage());
    }
    if (type == URI.class) {
      return url;
    }
    if (type == String.class) {
      return url.toString();
    }
    if (type == java.net.URL.class) {
      try {
        return url.toURL();
      } catch (MalformedURLException e) {
        throw new ParameterResolutionException(
            "The URL " + url + " of service " + service + " is not a valid java.net.URL", e);
      }
    }
    if (type.getName().equals(RestAssuredSupport.REQUEST_SPECIFICATION)) {
      return RestAssuredSupport.requestSpecification(url);
    }
    throw new ParameterResolutionException(
        "@ServiceUrl cannot inject type "
            + type.getName()
            + " into "
            + where
            + ": declare the parameter as java.net.URI, java.net.URL, String or RestAssured's"
            + " RequestSpecification");
  }

  // ---------------------------------------------------------------------------------------------

  /** The class's environment: looked up (and provisioned) once per class, shared per spec. */
  private TestEnvironment environment(ExtensionContext context) {
    refuseOnMethod(context);
    ExtensionContext classContext = classContext(context);
    PreviewEnvironment annotation =
        annotation(context)
            .orElseThrow(
                () ->
                    new ExtensionConfigurationException(
                        context.getRequiredTestClass().getName()
                            + " uses the PreviewEnvironment extension but carries no"
                            + " @PreviewEnvironment; annotate the test class"));
    Handle handle =
        classContext
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                HANDLE_KEY, k -> new Handle(lookup(classContext, annotation)), Handle.class);
    if (handle.environment() instanceof SharedEnvironment shared) {
      shared.ensureUp(classContext.getRequiredTestClass().getSimpleName());
    }
    return handle.environment();
  }

  private TestEnvironment lookup(ExtensionContext context, PreviewEnvironment annotation) {
    Settings settings =
        new Settings(context::getConfigurationParameter, System::getProperty, variables);
    Store root = context.getRoot().getStore(NAMESPACE);
    Optional<String> attach = settings.get(PreviewEnvironment.NAMESPACE);
    if (attach.isPresent()) {
      Cluster cluster = cluster(root, settings);
      return root.getOrComputeIfAbsent(
          "attach:" + attach.get(),
          k -> new AttachedEnvironment(attach.get(), cluster, settings),
          AttachedEnvironment.class);
    }
    EnvironmentSpec spec =
        EnvironmentSpec.resolve(
            annotation,
            context.getRequiredTestClass().getName(),
            settings,
            Path.of(System.getProperty("user.dir")));
    String name = spec.environmentName().value();
    EnvironmentSpec claimed =
        root.getOrComputeIfAbsent("name:" + name, k -> spec, EnvironmentSpec.class);
    if (!claimed.equals(spec)) {
      throw new ExtensionConfigurationException(
          context.getRequiredTestClass().getName()
              + " asks for "
              + spec.describe()
              + ", but another class of this run asks for a different environment of the same"
              + " name: "
              + claimed.describe()
              + ". Give both classes the same @PreviewEnvironment (a shared composed annotation"
              + " helps), or tell them apart with prefix = \"...\"");
    }
    Cluster cluster = cluster(root, settings);
    String kubectlFlags =
        settings.get(PreviewEnvironment.CONTEXT).map(c -> " --context " + c).orElse("")
            + settings.get(PreviewEnvironment.KUBECONFIG).map(f -> " --kubeconfig " + f).orElse("");
    // registered before it is provisioned: the store tears it down even when provisioning fails
    return root.getOrComputeIfAbsent(
        spec, k -> new SharedEnvironment(spec, cluster, kubectlFlags), SharedEnvironment.class);
  }

  private static Cluster cluster(Store root, Settings settings) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return root.getOrComputeIfAbsent(
        CLUSTER_KEY,
        k ->
            new Cluster(
                () ->
                    ClusterSelection.select(
                        settings, Path.of(System.getProperty("user.home")), loader),
                settings::get),
        Cluster.class);
  }

  private static void markFailedOnError(ExtensionContext context) {
    Optional<Throwable> error = context.getExecutionException();
    if (error.isEmpty() || error.get() instanceof TestAbortedException) {
      return;
    }
    Handle handle = context.getStore(NAMESPACE).get(HANDLE_KEY, Handle.class);
    if (handle != null) {
      handle.environment().markFailed();
    }
  }

  /** {@code @PreviewEnvironment} on the class, a superclass or an enclosing class. */
  private static Optional<PreviewEnvironment> annotation(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context);
        c.isPresent();
        c = c.get().getParent()) {
      Optional<Class<?>> type = c.get().getTestClass();
      if (type.isEmpty()) {
        break;
      }
      Optional<PreviewEnvironment> found =
          AnnotationSupport.findAnnotation(type.get(), PreviewEnvironment.class);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }

  private static void refuseOnMethod(ExtensionContext context) {
    Optional<Method> method = context.getTestMethod();
    if (method.isPresent() && isAnnotated(method.get())) {
      throw new ExtensionConfigurationException(
          "@PreviewEnvironment is declared on the method "
              + method.get().getDeclaringClass().getName()
              + "#"
              + method.get().getName()
              + " (directly or through a composed annotation), but environments belong to test"
              + " classes: move it to the class "
              + method.get().getDeclaringClass().getSimpleName());
    }
  }

  private static boolean isAnnotated(AnnotatedElement element) {
    return AnnotationSupport.isAnnotated(element, PreviewEnvironment.class);
  }

  private static String describe(ParameterContext parameter) {
    var executable = parameter.getDeclaringExecutable();
    return "parameter "
        + parameter.getParameter().getName()
        + " of "
        + executable.getDeclaringClass().getSimpleName()
        + (executable instanceof Method m ? "#" + m.getName() : " (constructor)");
  }
}
