package io.signup.saveemail;

import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static io.signup.saveemail.support.SaveEmailTestEnvironment.SINK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.Senders;
import io.signup.saveemail.support.As;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * Every input that must be refused gets its own status and a short JSON message, and leaves nothing behind: no row,
 * no event. Sent with a plain HTTP client so that headers are exactly what each case says (no added Content-Type).
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class SaveEmailRejectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String JSON_TYPE = "application/json";

    @TestHTTPResource("/")
    URI root;

    static Stream<Arguments> refusedPosts() {
        return Stream.of(
                Arguments.of("no @", JSON_TYPE, "{\"email\":\"not-an-address\"}", 400),
                Arguments.of("no dot in domain", JSON_TYPE, "{\"email\":\"ann@example\"}", 400),
                Arguments.of("header injection", JSON_TYPE, "{\"email\":\"ann@example.com\\r\\nBcc: eve@example.com\"}", 400),
                Arguments.of("angle brackets", JSON_TYPE, "{\"email\":\"<ann@example.com>\"}", 400),
                Arguments.of("quote", JSON_TYPE, "{\"email\":\"\\\"ann\\\"@example.com\"}", 400),
                Arguments.of("local part of 65", JSON_TYPE, "{\"email\":\"" + "a".repeat(65) + "@example.com\"}", 400),
                Arguments.of("address of 255", JSON_TYPE,
                        "{\"email\":\"ann@" + "d".repeat(63) + "." + "e".repeat(63) + "." + "f".repeat(63) + "." + "g".repeat(57) + ".com\"}", 400),
                Arguments.of("missing email", JSON_TYPE, "{\"name\":\"Ann\"}", 400),
                Arguments.of("empty object", JSON_TYPE, "{}", 400),
                Arguments.of("null email", JSON_TYPE, "{\"email\":null}", 400),
                Arguments.of("name too long", JSON_TYPE,
                        "{\"email\":\"long.name@example.com\",\"name\":\"" + "n".repeat(101) + "\"}", 400),
                Arguments.of("control character in name", JSON_TYPE,
                        "{\"email\":\"bell@example.com\",\"name\":\"a\\u0007b\"}", 400),
                Arguments.of("malformed JSON", JSON_TYPE, "{\"email\":", 400),
                Arguments.of("JSON array", JSON_TYPE, "[\"ann@example.com\"]", 400),
                Arguments.of("plain text", "text/plain", "ann@example.com", 415),
                Arguments.of("zero-width space", JSON_TYPE, "{\"email\":\"ann\u200B@example.com\"}", 400),
                Arguments.of("soft hyphen", JSON_TYPE, "{\"email\":\"an\u00ADn@example.com\"}", 400),
                Arguments.of("full-width letters (NFKC)", JSON_TYPE, "{\"email\":\"\uFF41nn@example.com\"}", 400),
                Arguments.of("ligature (NFKC)", JSON_TYPE, "{\"email\":\"\uFB01@example.com\"}", 400),
                Arguments.of("local part not ASCII", JSON_TYPE, "{\"email\":\"jos\u00E9@example.com\"}", 400),
                Arguments.of("bad consent version", JSON_TYPE,
                        "{\"email\":\"ok@example.com\",\"consentVersion\":\"<script>\"}", 400),
                Arguments.of("XML", "application/xml", "<email>ann@example.com</email>", 415),
                Arguments.of("no content type", null, "{\"email\":\"typeless@example.com\"}", 415),
                Arguments.of("body over 64 KiB", JSON_TYPE,
                        "{\"email\":\"big@example.com\",\"name\":\"" + "x".repeat(65 * 1024) + "\"}", 413));
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("refusedPosts")
    void refusedPostLeavesNothingBehind(String label, String contentType, String body, int status) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve("/saveEmail"))
                .POST(BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        assertRefused(request.build(), status);
    }

    static Stream<Arguments> notStrictJson() {
        return Stream.of(
                Arguments.of("trailing garbage", "{\"email\":\"trail@example.com\"} garbage",
                        "invalid JSON: content after the end of the value"),
                Arguments.of("a second value", "{\"email\":\"two@example.com\"}{\"email\":\"eve@example.com\"}",
                        "invalid JSON: content after the end of the value"),
                Arguments.of("duplicate key", "{\"email\":\"dup@example.com\",\"email\":\"eve@example.com\"}",
                        "invalid JSON: duplicate key \"email\""),
                Arguments.of("duplicate key nested deeper", "{\"email\":\"deep@example.com\",\"x\":{\"a\":1,\"a\":2}}",
                        "invalid JSON: duplicate key \"a\""),
                Arguments.of("line comment", "{\"email\":\"c1@example.com\"} // me",
                        "invalid JSON: comments are not allowed"),
                Arguments.of("block comment", "{/* hi */\"email\":\"c2@example.com\"}",
                        "invalid JSON: comments are not allowed"));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("notStrictJson")
    void aBodyThatIsNotStrictJsonIsRefusedWithItsReason(String label, String body, String reason) throws Exception {
        HttpResponse<String> response = assertRefused(HttpRequest.newBuilder(root.resolve("/saveEmail"))
                .header("Content-Type", JSON_TYPE).POST(BodyPublishers.ofString(body)).build(), 400);
        assertEquals(reason, JSON.readTree(response.body()).path("error").asText());
    }

    @ParameterizedTest(name = "{0} -> 405")
    @MethodSource("otherMethods")
    void onlyPostIsAllowed(String method) throws Exception {
        HttpResponse<String> response = assertRefused(HttpRequest.newBuilder(
                        root.resolve("/saveEmail?email=query.param@example.com"))
                .method(method, BodyPublishers.noBody()).build(), 405);
        assertEquals("POST", response.headers().firstValue("Allow").orElse(null));
    }

    static Stream<String> otherMethods() {
        return Stream.of("GET", "PUT", "DELETE", "PATCH");
    }

    static Stream<Arguments> refusedEvents() {
        return Stream.of(
                Arguments.of("no id", new String[] { "ce-specversion", "1.0", "ce-type", "saveEmail", "ce-source", "urn:test" }),
                Arguments.of("specversion 2.0", new String[] { "ce-specversion", "2.0", "ce-id", "1", "ce-type", "saveEmail", "ce-source", "urn:test" }),
                Arguments.of("garbage time", new String[] { "ce-specversion", "1.0", "ce-id", "1", "ce-type", "saveEmail", "ce-source", "urn:test", "ce-time", "soon" }),
                Arguments.of("foreign type", new String[] { "ce-specversion", "1.0", "ce-id", "1", "ce-type", "com.example.other", "ce-source", "urn:test" }),
                Arguments.of("not a CloudEvent at /", new String[] {}));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("refusedEvents")
    void anEventThatIsNotAValidCloudEventOfOursIsRefusedWithoutRetry(String label, String[] headers) throws Exception {
        // From our PingSource, which may post to "/": what is refused here is the event, not its sender.
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve("/")).header("Content-Type", JSON_TYPE)
                .header("Authorization", SaveEmailTestEnvironment.ISSUER.bearer(Senders.pingSource("republish-outbox"),
                        As.AUDIENCE))
                .POST(BodyPublishers.ofString("{\"email\":\"event@example.com\"}"));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        assertRefused(request.build(), 400);
    }

    @Test
    void unknownFunctionIs404() throws Exception {
        assertRefused(HttpRequest.newBuilder(root.resolve("/dropTables")).header("Content-Type", JSON_TYPE)
                .POST(BodyPublishers.ofString("{}")).build(), 404);
    }

    private HttpResponse<String> assertRefused(HttpRequest request, int status) throws Exception {
        long rowsBefore = DATABASE.count("select count(*) from subscriber");
        int eventsBefore = SINK.received().size();

        HttpResponse<String> response = HTTP.send(request, BodyHandlers.ofString());

        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith(JSON_TYPE));
        JsonNode error = JSON.readTree(response.body());
        assertEquals(1, error.size(), "only an error message: " + response.body());
        String message = error.get("error").asText();
        assertFalse(message.isBlank());
        assertFalse(message.contains("Exception") || message.contains("\tat "), "no stack trace: " + message);
        assertEquals(rowsBefore, DATABASE.count("select count(*) from subscriber"), "nothing stored");
        assertEquals(eventsBefore, SINK.received().size(), "no event");
        return response;
    }
}
