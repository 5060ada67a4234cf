package io.signup.sendemail;

import static io.signup.sendemail.support.Events.accepted;
import static io.signup.sendemail.support.Mails.mailsTo;
import static io.signup.sendemail.support.SendEmailTestEnvironment.MAIL;
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
import io.signup.contract.EventSchemas;
import io.signup.contract.LinkToken;
import io.signup.contract.SignupEvent;
import io.signup.contract.SubscriptionConfirmed;
import io.signup.contract.SubscriptionRequested;
import io.signup.peers.Addresses;
import io.signup.sendemail.support.As;
import io.signup.sendemail.support.SendEmailTestEnvironment;

/**
 * The consumer accepts exactly what the producer emits: events built by the contract's own code (the code
 * save-email-fn publishes with), data serialized by the same Quarkus ObjectMapper, valid against the shared schema,
 * and written on the wire by the CloudEvents SDK in both HTTP modes.
 */
@QuarkusTest
@WithTestResource(SendEmailTestEnvironment.class)
class EventContractTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void producerEventInBinaryModeIsMailed() throws Exception {
        String email = Addresses.unique("binary");
        CloudEvent event = producerEvent(SignupEvent.REQUESTED, new SubscriptionRequested(email, "Contract Test",
                LinkToken.generate(), now().plusSeconds(60), now()));
        Map<String, String> headers = new HashMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpMessageFactory.createWriter(headers::put, body::writeBytes).writeBinary(event);

        accepted(() -> As.trigger().headers(headers).body(body.toByteArray()).post("/").then());

        assertEquals(1, mailsTo(MAIL, email).size());
    }

    @Test
    void producerEventInStructuredModeIsMailed() throws Exception {
        String email = Addresses.unique("structured");
        byte[] json = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE)
                .serialize(producerEvent(SignupEvent.CONFIRMED, new SubscriptionConfirmed(email, null,
                        LinkToken.generate(), now())));

        accepted(() -> As.trigger().contentType(JsonFormat.CONTENT_TYPE).body(json).post("/").then());

        assertEquals(1, mailsTo(MAIL, email).size());
    }

    private CloudEvent producerEvent(SignupEvent type, Record payload) throws Exception {
        String data = mapper.writeValueAsString(payload);
        assertEquals(List.of(), EventSchemas.violations(type, data), "the producer's data fits the schema");
        return type.cloudEvent(UUID.randomUUID(), now(), data.getBytes());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
