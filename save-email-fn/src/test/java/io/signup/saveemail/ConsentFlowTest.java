package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static io.signup.saveemail.support.BrokerEvents.data;
import static io.signup.saveemail.support.BrokerEvents.eventsFor;
import static io.signup.saveemail.support.BrokerEvents.single;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.signup.contract.EventSchemas;
import io.signup.contract.LinkToken;
import io.signup.contract.SignupEvent;
import io.signup.peers.Addresses;
import io.signup.peers.RecordingSink.Received;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * The life cycle behind the links in our mails: the confirmation button confirms once, within the link's lifetime;
 * one-click unsubscribe (RFC 8058) and the unsubscribe page's button end the subscription. Every step answers a
 * browser with 303 to a result page and keeps a consent record.
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class ConsentFlowTest {

    private static final String PAGE = "http://localhost:8080";

    @Test
    void theConfirmationButtonConfirmsOnceAndAnnouncesTheWelcome() {
        String email = Addresses.unique("cora");
        String token = signUp(email);

        confirm(token).statusCode(303).header("Location", PAGE + "/done/confirmed");

        Map<String, Object> subscriber = subscriber(email);
        assertEquals("CONFIRMED", subscriber.get("status"));
        assertNotNull(subscriber.get("confirmed_at"));
        Received confirmed = single(email, SignupEvent.CONFIRMED);
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.CONFIRMED, confirmed.body()));
        assertEquals(LinkToken.hash(data(confirmed).get("unsubscribeToken").asText()),
                subscriber.get("unsubscribe_token_hash"));
        assertEquals(List.of("SIGNUP", "CONFIRM"), consentActions(email));

        confirm(token).statusCode(303).header("Location", PAGE + "/done/already-confirmed");
        assertEquals(1, eventsFor(email, SignupEvent.CONFIRMED).size(), "a used link announces nothing");
    }

    @Test
    void theResultPageIsOnTheOriginTheFormCameFromWhenThatOriginIsAllowed() {
        String token = signUp(Addresses.unique("orin"));
        given().redirects().follow(false).header("Origin", "http://127.0.0.1:8080")
                .contentType(ContentType.URLENC).formParam("token", token)
                .post("/confirm").then().statusCode(303).header("Location", "http://127.0.0.1:8080/done/confirmed");
    }

    @Test
    void anExpiredLinkConfirmsNothing() {
        String email = Addresses.unique("exp");
        String token = signUp(email);
        DATABASE.execute("update subscriber set confirm_expires_at = now() - interval '1 second' where email = ?", email);

        confirm(token).statusCode(303).header("Location", PAGE + "/done/expired");

        assertEquals("PENDING", subscriber(email).get("status"));
        assertEquals(0, eventsFor(email, SignupEvent.CONFIRMED).size());
    }

    @Test
    void unknownReplacedAndMalformedLinksConfirmNothing() {
        confirm(LinkToken.generate()).statusCode(303).header("Location", PAGE + "/done/invalid-link");
        confirm("not-a-token").statusCode(303).header("Location", PAGE + "/done/invalid-link");
        given().redirects().follow(false).contentType(ContentType.URLENC).post("/confirm")
                .then().statusCode(303).header("Location", PAGE + "/done/invalid-link");

        String email = Addresses.unique("repl");
        String old = signUp(email);
        DATABASE.execute("update subscriber set confirmation_sent_at = now() - interval '2 days' where email = ?", email);
        signUp(email);
        confirm(old).statusCode(303).header("Location", PAGE + "/done/invalid-link");
        assertEquals("PENDING", subscriber(email).get("status"));
    }

    @Test
    void oneClickUnsubscribeEndsTheSubscriptionAtOnceWithoutCookiesOrLogin() {
        String email = Addresses.unique("una");
        String unsubscribe = confirmed(email);

        given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("List-Unsubscribe", "One-Click")
                .post("/unsubscribe?token=" + unsubscribe)
                .then().statusCode(200);

        Map<String, Object> subscriber = subscriber(email);
        assertEquals("UNSUBSCRIBED", subscriber.get("status"));
        assertNotNull(subscriber.get("unsubscribed_at"));
        Received event = single(email, SignupEvent.UNSUBSCRIBED);
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.UNSUBSCRIBED, event.body()));
        assertEquals(List.of("SIGNUP", "CONFIRM", "UNSUBSCRIBE"), consentActions(email));

        given().contentType(ContentType.URLENC).formParam("List-Unsubscribe", "One-Click")
                .post("/unsubscribe?token=" + unsubscribe).then().statusCode(200);
        assertEquals(1, eventsFor(email, SignupEvent.UNSUBSCRIBED).size(), "a second click changes nothing");
    }

    @Test
    void oneClickAlsoArrivesAsMultipart() {
        String email = Addresses.unique("multi");
        String unsubscribe = confirmed(email);

        given().multiPart("List-Unsubscribe", "One-Click").post("/unsubscribe?token=" + unsubscribe)
                .then().statusCode(200);

        assertEquals("UNSUBSCRIBED", subscriber(email).get("status"));
    }

    @Test
    void theUnsubscribePagesButtonIsAnsweredWithItsResultPage() {
        String email = Addresses.unique("page");
        String unsubscribe = confirmed(email);

        given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("List-Unsubscribe", "One-Click").formParam("token", unsubscribe).formParam("page", "1")
                .post("/unsubscribe")
                .then().statusCode(303).header("Location", PAGE + "/done/unsubscribed");
        assertEquals("UNSUBSCRIBED", subscriber(email).get("status"));
    }

    @Test
    void openingTheUnsubscribeLinkChangesNothingAndShowsThePage() {
        String email = Addresses.unique("look");
        String unsubscribe = confirmed(email);

        given().redirects().follow(false).get("/unsubscribe?token=" + unsubscribe)
                .then().statusCode(303).header("Location", PAGE + "/unsubscribe?token=" + unsubscribe);
        given().redirects().follow(false).contentType(ContentType.URLENC).post("/unsubscribe?token=" + unsubscribe)
                .then().statusCode(400);

        assertEquals("CONFIRMED", subscriber(email).get("status"));
        assertEquals(0, eventsFor(email, SignupEvent.UNSUBSCRIBED).size());
    }

    @Test
    void anUnknownOneClickTokenIsRefused() {
        given().contentType(ContentType.URLENC).formParam("List-Unsubscribe", "One-Click")
                .post("/unsubscribe?token=" + LinkToken.generate()).then().statusCode(404);
    }

    @Test
    void signingUpAgainAfterUnsubscribingStartsANewDoubleOptIn() {
        String email = Addresses.unique("back");
        String unsubscribe = confirmed(email);
        given().contentType(ContentType.URLENC).formParam("List-Unsubscribe", "One-Click")
                .post("/unsubscribe?token=" + unsubscribe).then().statusCode(200);

        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/saveEmail").then().statusCode(200);

        assertEquals("PENDING", subscriber(email).get("status"));
        List<Received> requests = eventsFor(email, SignupEvent.REQUESTED);
        assertEquals(2, requests.size(), "a new confirmation mail");
        confirm(data(requests.get(1)).get("confirmToken").asText()).statusCode(303)
                .header("Location", PAGE + "/done/confirmed");
        assertEquals(2, eventsFor(email, SignupEvent.CONFIRMED).size());
    }

    @Test
    void aFormSignupIsAnsweredWithARedirectToItsResultPage() {
        String email = Addresses.unique("form");
        given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("email", email).formParam("consentVersion", "v1")
                .post("/saveEmail")
                .then().statusCode(303).header("Location", PAGE + "/done/signed-up");
        assertEquals(1, eventsFor(email, SignupEvent.REQUESTED).size());

        given().redirects().follow(false).contentType(ContentType.URLENC).formParam("email", "not an address")
                .post("/saveEmail")
                .then().statusCode(303).header("Location", PAGE + "/done/invalid-email");
    }

    /** Signs up and returns the confirmation token from the event. */
    private static String signUp(String email) {
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/saveEmail").then().statusCode(200);
        List<Received> requests = eventsFor(email, SignupEvent.REQUESTED);
        return data(requests.get(requests.size() - 1)).get("confirmToken").asText();
    }

    /** Signs up, confirms and returns the unsubscribe token from the event. */
    private static String confirmed(String email) {
        confirm(signUp(email)).statusCode(303);
        return data(single(email, SignupEvent.CONFIRMED)).get("unsubscribeToken").asText();
    }

    private static ValidatableResponse confirm(String token) {
        return given().redirects().follow(false).contentType(ContentType.URLENC).formParam("token", token)
                .post("/confirm").then();
    }

    private static Map<String, Object> subscriber(String email) {
        return DATABASE.query("select * from subscriber where email = ?", email).get(0);
    }

    private static List<Object> consentActions(String email) {
        return DATABASE.query("""
                select c.action from consent_record c join subscriber s on s.id = c.subscriber_id
                where s.email = ? order by c.recorded_at""", email).stream().map(row -> row.get("action")).toList();
    }
}
