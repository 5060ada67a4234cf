package io.signup.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SubscriptionCreatedSchemaTest {

    @Test
    void acceptsCompleteData() {
        assertEquals(List.of(), SubscriptionCreatedSchema.violations(
                "{\"email\":\"ann@example.com\",\"name\":\"Ann\",\"subscribedAt\":\"2026-11-25T10:15:30Z\"}"));
    }

    @Test
    void acceptsDataWithoutName() {
        assertEquals(List.of(), SubscriptionCreatedSchema.violations(
                "{\"email\":\"ann@example.com\",\"name\":null,\"subscribedAt\":\"2026-11-25T10:15:30.123456Z\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"subscribedAt\":\"2026-11-25T10:15:30Z\"}",
            "{\"email\":\"ann@example.com\"}",
            "{\"email\":\"not-an-address\",\"subscribedAt\":\"2026-11-25T10:15:30Z\"}",
            "{\"email\":\"ann@example.com\\r\\nBcc: x@y.z\",\"subscribedAt\":\"2026-11-25T10:15:30Z\"}",
            "{\"email\":\"ann@example.com\",\"subscribedAt\":\"yesterday\"}",
            "{\"email\":\"ann@example.com\",\"subscribedAt\":\"2026-11-25T10:15:30Z\",\"extra\":1}",
            "[]",
            "{"
    })
    void rejectsDataThatBreaksTheContract(String json) {
        assertFalse(SubscriptionCreatedSchema.violations(json).isEmpty(), json);
    }
}
