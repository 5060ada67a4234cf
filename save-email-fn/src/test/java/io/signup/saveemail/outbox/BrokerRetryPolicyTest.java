package io.signup.saveemail.outbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which Broker answers the outbox retries (and keeps the record pending for) and which set the record aside: the
 * same split as Knative's delivery (no answer, 5xx, 404, 408, 409, 429 retried; any other 4xx not).
 */
class BrokerRetryPolicyTest {

    @ParameterizedTest
    @ValueSource(ints = { 0, 404, 408, 409, 429, 500, 502, 503, 504 })
    void aRetryMayFix(int status) {
        assertTrue(BrokerClient.isRetryable(new BrokerException("broker answered " + status, status)));
    }

    @ParameterizedTest
    @ValueSource(ints = { 400, 401, 403, 405, 413, 415, 422 })
    void aRetryWouldFailTheSameWay(int status) {
        assertFalse(BrokerClient.isRetryable(new BrokerException("broker answered " + status, status)));
    }

    @Test
    void onlyBrokerAnswersCount() {
        assertFalse(BrokerClient.isRetryable(new IOException("not a Broker answer")));
    }
}
