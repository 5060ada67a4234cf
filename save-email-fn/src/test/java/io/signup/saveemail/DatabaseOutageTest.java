package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.peers.Addresses;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class DatabaseOutageTest {

    @Test
    void databaseDownGivesAQuick503AndTheFunctionRecoversByItself() {
        String email = Addresses.unique("hal");
        DATABASE.stop();
        try {
            long start = System.nanoTime();
            given().contentType(ContentType.JSON).body(Map.of("email", email))
                    .post("/saveEmail")
                    .then().statusCode(503).header("Retry-After", "5")
                    .body("error", equalTo("temporarily unavailable, please retry"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "answered in " + took.toMillis() + " ms");
        } finally {
            DATABASE.start();
        }

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().contentType(ContentType.JSON)
                .body(Map.of("email", email)).post("/saveEmail").then().statusCode(200));
        assertEquals(1, DATABASE.count("select count(*) from subscriber where email = ?", email));
    }
}
