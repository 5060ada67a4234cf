package io.signup.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.signup.contract.LinkToken;
import io.signup.contract.SignupEvent;

/** The real request each application serves; every signup and every event has its own address. */
final class Requests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private Requests() {
    }

    static String uniqueEmail(String prefix) {
        return prefix + "-" + RUN + "-" + SEQUENCE.incrementAndGet() + "@example.com";
    }

    /** GET /hello of the empty REST application. */
    static Function<URI, HttpRequest> hello() {
        return base -> HttpRequest.newBuilder(base.resolve("/hello")).timeout(TIMEOUT).build();
    }

    /** The signup page, as a browser asks for it. */
    static Function<URI, HttpRequest> page() {
        return base -> HttpRequest.newBuilder(base.resolve("/")).header("Accept-Encoding", "gzip")
                .timeout(TIMEOUT).build();
    }

    /**
     * The form's POST /saveEmail with a new address, from a client address of its own (RFC 2544's benchmarking
     * range, as a trusted proxy forwards it): real signups come from many clients, and one client's window would be a
     * single row that every signup locks in turn.
     */
    static Function<URI, HttpRequest> signup() {
        return base -> signup(base, uniqueEmail("bench"));
    }

    static HttpRequest signup(URI base, String email) {
        long client = SEQUENCE.get();
        return HttpRequest.newBuilder(base.resolve("/saveEmail")).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", "198." + (18 + (client >> 16 & 1)) + "." + (client >> 8 & 255) + "."
                        + (client & 255))
                .POST(BodyPublishers.ofString("{\"email\":\"" + email + "\",\"name\":\"Bench\"}")).build();
    }

    /**
     * A binary-mode confirmation request as its Trigger delivers it to send-email-fn, for a new address, with the
     * Trigger's token ({@code authorization}: one for the whole run, as Knative reuses a token until it expires).
     */
    static Function<URI, HttpRequest> event(String authorization) {
        return base -> HttpRequest.newBuilder(base.resolve("/")).timeout(TIMEOUT)
                .header("Authorization", authorization)
                .header("ce-specversion", "1.0")
                .header("ce-id", UUID.randomUUID().toString())
                .header("ce-type", SignupEvent.REQUESTED.type())
                .header("ce-source", SignupEvent.SOURCE)
                .header("Content-Type", SignupEvent.DATA_CONTENT_TYPE)
                .POST(BodyPublishers.ofString("{\"email\":\"" + uniqueEmail("bench") + "\",\"name\":\"Bench\","
                        + "\"confirmToken\":\"" + LinkToken.generate() + "\",\"expiresAt\":\""
                        + Instant.now().plus(Duration.ofDays(7)) + "\",\"requestedAt\":\"" + Instant.now() + "\"}"))
                .build();
    }
}
