package io.signup.saveemail;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.saveemail.support.As;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * The form and links are public; republishing, the PingSource's events and the metrics answer only callers inside the
 * cluster, told apart by the Host Knative's gateways keep.
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class ClusterOnlyTest {

    private static final String PUBLIC_HOST = "save-email-fn.signup.example.com";
    private static final String CLUSTER_HOST = "save-email-fn.signup.svc.cluster.local";

    @Test
    void maintenanceAndMetricsAreNotFoundFromTheInternet() {
        given().header("Host", PUBLIC_HOST).contentType(ContentType.JSON).post("/republishOutbox")
                .then().statusCode(404);
        given().header("Host", PUBLIC_HOST).contentType(ContentType.JSON)
                .header("ce-specversion", "1.0").header("ce-id", "ping-1").header("ce-type", "dev.knative.sources.ping")
                .header("ce-source", "/apis/v1/namespaces/signup/pingsources/republish-outbox")
                .body("{}").post("/").then().statusCode(404);
        given().header("Host", PUBLIC_HOST).get("/q/metrics").then().statusCode(404);
    }

    @Test
    void theClusterStillReachesThem() {
        As.pingSource().header("Host", CLUSTER_HOST).contentType(ContentType.JSON).post("/republishOutbox")
                .then().statusCode(204);
        given().header("Host", "10.42.0.17:8080").get("/q/metrics").then().statusCode(200);
    }

    @Test
    void theFormStaysPublic() {
        given().header("Host", PUBLIC_HOST).contentType(ContentType.JSON).body("{\"email\":\"not-an-address\"}")
                .post("/saveEmail").then().statusCode(400);
    }
}
