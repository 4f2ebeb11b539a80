package dev.previewenv.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.previewenv.junit.ServiceUrl;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The front end reaches the API through the environment's URL: the page calls the API relative to
 * its own origin, the front end's {@code /api} reaches catalog and orders inside the namespace, and
 * the environment's {@code web} ingress routes its host ({@code <env>.shop.example.com}, rewritten
 * by PreviewEnv) to the front end. What this proves without an ingress controller (the test cluster
 * has none): the page, the front end's hop to the API, and the routing rule the controller would
 * serve; not that a controller serves it.
 */
@ExampleStack
class FrontEndE2E {

  private final RequestSpecification web;
  private final RequestSpecification orders;

  FrontEndE2E(
      @ServiceUrl("web") RequestSpecification web,
      @ServiceUrl("orders") RequestSpecification orders) {
    this.web = web;
    this.orders = orders;
  }

  @BeforeAll
  static void stackIsUp(
      @ServiceUrl("web") RequestSpecification web,
      @ServiceUrl("orders") RequestSpecification orders) {
    Health.awaitUp("web", web);
    Health.awaitUp("orders", orders);
  }

  /** The ingress check reads the Kubernetes API: skipped where the suite has none to read. */
  @BeforeEach
  void clusterTestsNeedTheKubernetesApi(TestInfo test) {
    if (test.getTags().contains("cluster")) {
      Optional<String> missing = ClusterAccess.unavailableReason();
      Assumptions.assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
    }
  }

  @Test
  void thePageCallsTheApiOnItsOwnOrigin() {
    given(web)
        .get("/")
        .then()
        .statusCode(200)
        .contentType(ContentType.HTML)
        .body(containsString("const api = \"api\";"))
        .body(containsString("fetch(api + \"/products\")"))
        .body(containsString("fetch(api + \"/orders\""));
  }

  @Test
  void anOrderPlacedThroughTheFrontEndIsInTheApi() {
    given(web).get("/api/products").then().statusCode(200).body("id", equalTo(ids()));
    String id =
        given(web)
            .contentType(ContentType.JSON)
            .body("{\"productId\":\"p-1\",\"quantity\":1}")
            .when()
            .post("/api/orders")
            .then()
            .statusCode(201)
            .header("Location", containsString("/api/orders/"))
            .extract()
            .path("id");

    given(orders)
        .get("/orders/" + id)
        .then()
        .statusCode(200)
        .body("productId", equalTo("p-1"))
        .body("totalCents", equalTo(1290));
  }

  @Test
  @Tag("cluster")
  void theEnvironmentsWebIngressRoutesItsOwnHostToTheFrontEnd(KubernetesClient client) {
    String namespace = client.getNamespace();
    Ingress ingress = client.network().v1().ingresses().withName("web").get();
    assertNotNull(ingress, "expected Ingress web in namespace " + namespace);
    String host =
        AdminProtectionE2E.hostFormat()
            .replace("{env}", namespace)
            .replace("{host}", "shop.example.com");
    List<IngressRule> rules = ingress.getSpec().getRules();
    assertEquals(1, rules.size(), "rules of Ingress " + namespace + "/web: " + rules);
    assertEquals(host, rules.get(0).getHost(), "host of Ingress " + namespace + "/web");
    HTTPIngressPath path = rules.get(0).getHttp().getPaths().get(0);
    assertEquals("/", path.getPath());
    assertEquals("web", path.getBackend().getService().getName(), "backend of " + host + "/");
  }

  private static List<String> ids() {
    return DataPathE2E.SEEDED_PRODUCTS.stream().map(p -> (String) p.get("id")).toList();
  }
}
