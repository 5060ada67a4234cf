package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.BrokerEvents.eventsFor;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.ISSUER;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.SINK;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.signup.contract.Senders;
import io.signup.peers.Addresses;
import io.signup.peers.PrometheusText;
import io.signup.saveemail.function.SaveEmailFunctions;
import io.signup.saveemail.support.As;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * The ping that republishes the outbox comes only from our PingSource or an operator: a missing, forged, expired,
 * misaddressed or foreign token gets 401/403 with its reason, is counted, and republishes nothing; the signup form
 * stays open to everyone.
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class KnownSendersTest {

    static Stream<Arguments> badTokens() {
        String ping = Senders.pingSource("republish-outbox");
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        return Stream.of(
                Arguments.of("no token", null, 401, "missing"),
                Arguments.of("forged", "Bearer " + ISSUER.foreign().token(ping, As.AUDIENCE), 401, "signature"),
                Arguments.of("replayed from send-email-fn",
                        ISSUER.bearer(ping, Senders.audience("send-email-fn")), 401, "audience"),
                Arguments.of("expired",
                        "Bearer " + ISSUER.token(ping, As.AUDIENCE, twoHoursAgo, Duration.ofHours(1)), 401, "expired"),
                Arguments.of("a pod that is not ours",
                        ISSUER.bearer("system:serviceaccount:other:default", As.AUDIENCE), 403, "sender"),
                Arguments.of("one of our Triggers, which never pings",
                        ISSUER.bearer(Senders.trigger("send-welcome-mail"), As.AUDIENCE), 403, "sender"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void aPingFromAnUnknownSenderIsRefusedAndRepublishesNothing(String what, String authorization, int status,
            String reason) {
        String email = signedUpWhileTheBrokerWasDown();
        double refusedBefore = refused(status, reason);

        for (String path : new String[] {"/republishOutbox", "/"}) {
            RequestSpecification request = authorization == null ? given()
                    : given().header("Authorization", authorization);
            request.header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                    .header("ce-type", SaveEmailFunctions.PING_EVENT_TYPE)
                    .header("ce-source", "/apis/v1/namespaces/signup/pingsources/republish-outbox")
                    .contentType(ContentType.JSON).body("{\"reason\":\"schedule\"}")
                    .post(path).then().statusCode(status).body("error", containsString(status == 403 ? "may not call"
                            : "token"));
        }

        assertEquals(refusedBefore + 2, refused(status, reason), "counted");
        assertEquals(0, eventsFor(email).size(), "nothing republished");
        As.pingSource().contentType(ContentType.JSON).body("{}").post("/republishOutbox").then().statusCode(204);
        assertEquals(1, eventsFor(email).size(), "our PingSource's ping republishes it");
    }

    @Test
    void theSignupFormNeedsNoToken() {
        given().contentType(ContentType.JSON).body(Map.of("email", Addresses.unique("open"))).post("/saveEmail")
                .then().statusCode(200);
    }

    private static String signedUpWhileTheBrokerWasDown() {
        String email = Addresses.unique("ping");
        SINK.stop();
        try {
            given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/saveEmail").then()
                    .statusCode(200);
        } finally {
            SINK.start();
        }
        return email;
    }

    private static double refused(int status, String reason) {
        return PrometheusText.sum(PrometheusText.parse(given().get("/q/metrics").asString()), "auth_refused_total",
                Map.of("status", Integer.toString(status), "reason", reason));
    }
}
