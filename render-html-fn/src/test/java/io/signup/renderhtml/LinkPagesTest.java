package io.signup.renderhtml;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.signup.contract.LinkToken;
import io.signup.contract.PageOutcome;

/**
 * The pages our mails link to show a button that posts the link's token to save-email-fn, and nothing else happens
 * on a GET. Every result page save-email-fn redirects to exists.
 */
@QuarkusTest
@TestProfile(SignupPageTest.ConfiguredUrl.class)
class LinkPagesTest {

    @Test
    void theConfirmationPageIsAButtonPostingTheTokenToSaveEmailFn() {
        String token = LinkToken.generate();
        given().get("/confirm?token=" + token).then().statusCode(200)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "strict-origin")
                .body(containsString("<form action=\"https://save.signup.example/confirm\" method=\"post\">"))
                .body(containsString("<input type=\"hidden\" name=\"token\" value=\"" + token + "\">"))
                .body(containsString("<button type=\"submit\">Confirm my subscription</button>"));
    }

    @Test
    void theUnsubscribePageSendsTheOneClickBodyFromItsButton() {
        String token = LinkToken.generate();
        given().get("/unsubscribe?token=" + token).then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body(containsString("<form action=\"https://save.signup.example/unsubscribe\" method=\"post\">"))
                .body(containsString("name=\"List-Unsubscribe\" value=\"One-Click\""))
                .body(containsString("name=\"token\" value=\"" + token + "\""));
    }

    @Test
    void aLinkWithoutAValidTokenShowsTheInvalidLinkPage() {
        given().get("/confirm").then().statusCode(404).body(containsString("This link is not valid"));
        given().get("/confirm?token=%3Cscript%3E").then().statusCode(404)
                .body(not(containsString("<script>")));
        given().get("/unsubscribe?token=short").then().statusCode(404).body(containsString("This link is not valid"));
    }

    @ParameterizedTest
    @EnumSource(PageOutcome.class)
    void everyResultPageExists(PageOutcome outcome) {
        given().get("/done/" + outcome.slug()).then().statusCode(200)
                .body(containsString("data-outcome=\"" + outcome.slug() + "\""));
    }

    @Test
    void theResultPagesSayWhatHappened() {
        Map.of("signed-up", "a mail with a confirmation link is on its way",
                "confirmed", "You are subscribed",
                "expired", "This link has expired",
                "already-confirmed", "This link was used before",
                "unsubscribed", "We will not write to you again")
                .forEach((slug, text) -> given().get("/done/" + slug).then().body(containsString(text)));
        given().get("/done/nothing-like-this").then().statusCode(404);
    }
}
