package io.signup.sendemail;

import static io.restassured.RestAssured.given;
import static io.signup.sendemail.SendEmailFunctionTest.mailsTo;
import static io.signup.sendemail.SendEmailFunctionTest.unique;
import static io.signup.sendemail.support.Events.untilAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signup.contract.SubscriptionCreated;
import io.signup.contract.SubscriptionCreatedSchema;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * The consumer accepts exactly what the producer emits: events built by the contract's own code (the code
 * save-email-fn publishes with), data serialized by the same Quarkus ObjectMapper, valid against the shared schema,
 * and written on the wire by the CloudEvents SDK in both HTTP modes.
 */
@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class SubscriptionCreatedContractTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void producerEventInBinaryModeIsMailed() throws Exception {
        String email = unique("binary");
        CloudEvent event = producerEvent(email);
        Map<String, String> headers = new HashMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpMessageFactory.createWriter(headers::put, body::writeBytes).writeBinary(event);

        untilAccepted(() -> given().headers(headers).body(body.toByteArray()).post("/").then());

        assertEquals(1, mailsTo(email).size());
    }

    @Test
    void producerEventInStructuredModeIsMailed() throws Exception {
        String email = unique("structured");
        byte[] json = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE)
                .serialize(producerEvent(email));

        untilAccepted(() -> given().contentType(JsonFormat.CONTENT_TYPE).body(json).post("/").then());

        assertEquals(1, mailsTo(email).size());
    }

    private CloudEvent producerEvent(String email) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String data = mapper.writeValueAsString(new SubscriptionCreated(email, "Contract Test", now));
        assertEquals(List.of(), SubscriptionCreatedSchema.violations(data), "the producer's data fits the schema");
        return SubscriptionCreated.cloudEvent(UUID.randomUUID(), now, data.getBytes());
    }
}
