package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.BrokerEvents.single;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.TOKEN;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * Each event goes to the Broker with our SinkBinding's OIDC token ({@code Authorization: Bearer}), the identity the
 * Broker's EventPolicy admits; a renewed token file is used from then on, without a restart.
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class BrokerIdentityTest {

    @Test
    void eventsCarryTheProjectedTokenAndARenewedOneReplacesIt() {
        String first = Addresses.unique("oidc");
        signUp(first);
        assertEquals("Bearer token-of-save-email-fn-1",
                single(first, SignupEvent.REQUESTED).header("Authorization"));

        TOKEN.renew("token-of-save-email-fn-2");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            String next = Addresses.unique("oidc-renewed");
            signUp(next);
            return "Bearer token-of-save-email-fn-2".equals(single(next, SignupEvent.REQUESTED).header("Authorization"));
        });
        TOKEN.renew("token-of-save-email-fn-1");
    }

    private static void signUp(String email) {
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/saveEmail").then().statusCode(200);
    }
}
