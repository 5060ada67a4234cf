package io.signup.renderhtml;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.signup.peers.PrometheusText;

@QuarkusTest
@TestProfile(SignupPageTest.ConfiguredUrl.class)
class SignupPageTest {

    static final String SAVE_EMAIL_URL = "https://save.signup.example/saveEmail";

    public static class ConfiguredUrl implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("signup.page.save-email-url", SAVE_EMAIL_URL);
        }
    }

    @Test
    void servesTheSignupFormPostingToTheConfiguredUrl() {
        given().get("/")
                .then().statusCode(200)
                .contentType("text/html")
                .body(containsString("<form id=\"signup-form\" action=\"" + SAVE_EMAIL_URL + "\" method=\"post\""
                        + " data-save-url=\"" + SAVE_EMAIL_URL + "\""))
                .body(matchesPattern("(?s).*<input type=\"hidden\" name=\"consentVersion\" value=\"page-[0-9a-f]{12}\">.*"))
                .body(containsString("you are subscribed only once you press its"))
                .body(containsString("<link rel=\"icon\" href=\"/favicon.ico\""))
                .body(containsString("<label for=\"email\">Email address</label>"))
                .body(containsString("type=\"email\" required"))
                .body(containsString("<button type=\"submit\">Sign up</button>"))
                .body(containsString("aria-live=\"polite\""))
                .body(containsString("name=\"website\""))
                .body(not(containsString("https://cdn")));
    }

    @TestHTTPResource("/")
    URI root;

    @Test
    void isCacheableAndRevalidatedByEtag() {
        Response first = given().get("/");
        first.then().statusCode(200)
                .header("Cache-Control", "public, max-age=300")
                .header("ETag", matchesPattern("\"[0-9a-f]{16}\""));

        given().header("If-None-Match", first.header("ETag")).get("/")
                .then().statusCode(304).header("ETag", first.header("ETag")).body(equalTo(""));
        given().header("If-None-Match", "\"stale\"").get("/").then().statusCode(200);
    }

    @Test
    void mayOnlySendDataToSaveEmailFn() {
        given().get("/").then()
                .header("Content-Security-Policy", containsString("connect-src https://save.signup.example;"))
                .header("Content-Security-Policy", containsString("form-action https://save.signup.example 'self';"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("X-Content-Type-Options", "nosniff");
    }

    @Test
    void isCompressedWhenTheClientAcceptsIt() throws Exception {
        // The JDK client does not decompress, so what it reports is what went over the wire.
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<byte[]> gzip = client.send(HttpRequest.newBuilder(root)
                .header("Accept-Encoding", "gzip").build(), BodyHandlers.ofByteArray());
        HttpResponse<byte[]> plain = client.send(HttpRequest.newBuilder(root).build(), BodyHandlers.ofByteArray());

        assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElse(null));
        assertEquals(plain.body().length, new GZIPInputStream(new ByteArrayInputStream(gzip.body())).readAllBytes().length);
        assertTrue(gzip.body().length < plain.body().length * 3 / 4, gzip.body().length + " of " + plain.body().length);
    }

    @Test
    void servesItsOwnAssetsNamedByContentHash() {
        String html = given().get("/").asString();
        String css = html.replaceAll("(?s).*href=\"(/assets/signup\\.css\\?v=[0-9a-f]{12})\".*", "$1");
        String js = html.replaceAll("(?s).*src=\"(/assets/signup\\.js\\?v=[0-9a-f]{12})\".*", "$1");

        given().get(css).then().statusCode(200).contentType("text/css")
                .header("Cache-Control", containsString("max-age=86400"));
        given().get(js).then().statusCode(200).body(containsString("fetch(form.dataset.saveUrl"));
    }

    @Test
    void countsPagesServedAndRevalidated() {
        double served = pages("200");
        double revalidated = pages("304");
        String etag = given().get("/").header("ETag");
        given().header("If-None-Match", etag).get("/").then().statusCode(304);

        assertEquals(served + 1, pages("200"));
        assertEquals(revalidated + 1, pages("304"));
    }

    private static double pages(String status) {
        return PrometheusText.sum(PrometheusText.parse(given().get("/q/metrics").asString()), "signup_pages_total",
                Map.of("status", status));
    }

    @Test
    void servesAFaviconSoThatNoPageLoadEndsIn404() {
        given().get("/favicon.ico").then().statusCode(200);
    }

    @Test
    void answersKnativeProbes() {
        assertEquals(200, given().get("/q/health/live").statusCode());
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
