package io.signup.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

/**
 * This function's OIDC identity toward the Broker, when Knative's authentication-oidc feature is on: the SinkBinding
 * projects a token of its own identity at {@code /oidc/token} and renews it before it expires, and a sender puts it
 * in {@code Authorization: Bearer}, which the Broker's EventPolicies check. Read from the file at start and again
 * every {@code signup.oidc.token-reread} (30 s), off the event loop, so a renewed token is picked up and no send
 * waits for the disk ({@code make run} projects and renews one the same way). No file, no token: the feature is off.
 */
// At start, so the first read is not on the event loop of the first send.
@Startup
@ApplicationScoped
public class OidcToken {

    private final Path file;
    private final Vertx vertx;
    private final AtomicReference<String> token = new AtomicReference<>();
    private final long timer;

    public OidcToken(OidcConfig config, Vertx vertx) {
        this.file = config.tokenFile();
        this.vertx = vertx;
        read();
        this.timer = vertx.setPeriodic(config.tokenReread().toMillis(), id -> vertx.executeBlocking(() -> {
            read();
            return null;
        }, false));
    }

    /** The {@code Authorization} header value to send, if this function has an identity. */
    public Optional<String> authorization() {
        String current = token.get();
        return current == null ? Optional.empty() : Optional.of("Bearer " + current);
    }

    private void read() {
        try {
            String read = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!read.equals(token.getAndSet(read.isEmpty() ? null : read))) {
                Log.infof("OIDC token read from %s", file);
            }
        } catch (NoSuchFileException none) {
            token.set(null);
        } catch (IOException e) {
            Log.warnf("OIDC token at %s unreadable, the last one is kept: %s", file, e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(timer);
    }
}
