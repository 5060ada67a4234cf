package io.signup.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

class EventSchemasTest {

    private static final String TOKEN = "A".repeat(42) + "_";
    private static final String TIME = "2026-11-25T10:15:30.123456Z";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void acceptsCompleteDataOfEveryType() {
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.REQUESTED, """
                {"email":"ann@xn--bcher-kva.example","name":"Ann","confirmToken":"%s",
                 "expiresAt":"%s","requestedAt":"%s"}""".formatted(TOKEN, TIME, TIME)));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.CONFIRMED, """
                {"email":"Ann@example.com","name":null,"unsubscribeToken":"%s","confirmedAt":"%s"}"""
                .formatted(TOKEN, TIME)));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.UNSUBSCRIBED, """
                {"email":"ann@example.com","unsubscribedAt":"%s"}""".formatted(TIME)));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.SUPPRESSED, """
                {"email":"ann@example.com","reason":"COMPLAINT","reportedBy":"FEEDBACK_REPORT","suppressedAt":"%s"}"""
                .formatted(TIME)));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.ERASED, """
                {"addressKey":"%s","erasedAt":"%s"}""".formatted("0a".repeat(32), TIME)));
    }

    @Test
    void theRecordsSerializeToValidData() throws Exception {
        java.time.Instant now = java.time.Instant.parse(TIME);
        String token = LinkToken.generate();
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.REQUESTED, JSON.writeValueAsString(
                new SubscriptionRequested("ann@example.com", null, token, now, now))));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.CONFIRMED, JSON.writeValueAsString(
                new SubscriptionConfirmed("ann@example.com", "Ann", token, now))));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.UNSUBSCRIBED, JSON.writeValueAsString(
                new SubscriptionUnsubscribed("ann@example.com", now))));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.SUPPRESSED, JSON.writeValueAsString(
                new SubscriptionSuppressed("ann@example.com", SubscriptionSuppressed.Reason.HARD_BOUNCE,
                        SubscriptionSuppressed.Reporter.AMAZON_SES, now))));
        assertEquals(List.of(), EventSchemas.violations(SignupEvent.ERASED, JSON.writeValueAsString(
                new SubscriptionErased("0a".repeat(32), now))));
    }

    static Stream<Arguments> brokenData() {
        String valid = "\"email\":\"ann@example.com\",\"unsubscribeToken\":\"" + TOKEN + "\"";
        return Stream.of(
                Arguments.of(SignupEvent.CONFIRMED, "{" + valid + "}"),
                Arguments.of(SignupEvent.CONFIRMED, "{" + valid + ",\"confirmedAt\":\"yesterday\"}"),
                Arguments.of(SignupEvent.CONFIRMED, "{" + valid + ",\"confirmedAt\":\"" + TIME + "\",\"extra\":1}"),
                Arguments.of(SignupEvent.CONFIRMED, "{\"email\":\"ann@example.com\",\"unsubscribeToken\":\"short\","
                        + "\"confirmedAt\":\"" + TIME + "\"}"),
                Arguments.of(SignupEvent.UNSUBSCRIBED, "{\"email\":\"not-an-address\",\"unsubscribedAt\":\"" + TIME + "\"}"),
                Arguments.of(SignupEvent.UNSUBSCRIBED, "{\"email\":\"ann@example.com\\r\\nBcc: x@y.z\","
                        + "\"unsubscribedAt\":\"" + TIME + "\"}"),
                Arguments.of(SignupEvent.UNSUBSCRIBED, "{\"email\":\"ann@bücher.example\",\"unsubscribedAt\":\"" + TIME + "\"}"),
                Arguments.of(SignupEvent.REQUESTED, "{\"email\":\"ann@example.com\",\"requestedAt\":\"" + TIME + "\"}"),
                Arguments.of(SignupEvent.SUPPRESSED, "{\"email\":\"ann@example.com\",\"reason\":\"SOFT_BOUNCE\","
                        + "\"reportedBy\":\"POSTMARK\",\"suppressedAt\":\"" + TIME + "\"}"),
                Arguments.of(SignupEvent.SUPPRESSED, "{\"email\":\"ann@example.com\",\"reason\":\"COMPLAINT\","
                        + "\"reportedBy\":\"POSTMARK\",\"suppressedAt\":\"" + TIME + "\",\"diagnostic\":\"x\"}"),
                Arguments.of(SignupEvent.ERASED, "{\"addressKey\":\"ann@example.com\",\"erasedAt\":\"" + TIME + "\"}"),
                Arguments.of(SignupEvent.ERASED, "{\"addressKey\":\"" + "0a".repeat(32) + "\",\"erasedAt\":\"" + TIME
                        + "\",\"email\":\"ann@example.com\"}"),
                Arguments.of(SignupEvent.REQUESTED, "[]"),
                Arguments.of(SignupEvent.REQUESTED, "{"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("brokenData")
    void rejectsDataThatBreaksTheContract(SignupEvent event, String json) {
        assertFalse(EventSchemas.violations(event, json).isEmpty(), json);
    }
}
