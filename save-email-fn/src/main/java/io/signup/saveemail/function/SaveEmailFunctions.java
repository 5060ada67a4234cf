package io.signup.saveemail.function;

import java.time.Instant;
import java.util.function.Supplier;

import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.quarkus.logging.Log;
import io.quarkus.vertx.VertxContextSupport;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.signup.saveemail.outbox.OutboxRelay;
import io.signup.saveemail.service.RateLimiter;
import io.signup.saveemail.service.Retention;
import io.signup.saveemail.service.SignupService;
import io.signup.saveemail.web.Requesters;
import io.smallrye.mutiny.Uni;

/**
 * The functions of save-email-fn. Thin adapters: the services do the work.
 * <p>
 * Funqy invokes functions on a worker thread, while Hibernate Reactive must run on a Vert.x context; each function
 * therefore runs its service call on one and waits for it.
 */
public class SaveEmailFunctions {

    /** The type of the events a Knative PingSource sends; its Trigger-less delivery reaches republishOutbox. */
    public static final String PING_EVENT_TYPE = "dev.knative.sources.ping";

    private final SignupService signups;
    private final OutboxRelay outbox;
    private final RateLimiter limiter;
    private final Retention retention;
    private final Requesters requesters;
    private final CurrentVertxRequest request;

    public SaveEmailFunctions(SignupService signups, OutboxRelay outbox, RateLimiter limiter, Retention retention,
            Requesters requesters, CurrentVertxRequest request) {
        this.signups = signups;
        this.outbox = outbox;
        this.limiter = limiter;
        this.retention = retention;
        this.requesters = requesters;
        this.request = request;
    }

    /** {@code POST /saveEmail} from the signup page's script, or a CloudEvent of type {@code saveEmail}. */
    @Funq
    public SignupReceipt saveEmail(SignupRequest form) {
        SignupRequest input = form == null ? SignupRequest.EMPTY : form;
        awaitOnVertxContext(() -> signups.subscribe(input.email(), input.name(), input.website(),
                requesters.of(request.getCurrent(), input.consentVersion())));
        return SignupReceipt.ACCEPTED;
    }

    /** What the PingSource sends (its {@code data}); nothing is read from it, and a call may send none. */
    public record Ping(String reason) {
    }

    /**
     * Publishes the outbox records whose publish failed or whose publisher died, forgets old abuse-limit windows, and
     * deletes what is past its retention ({@link Retention}).
     * Returns nothing, so a caller behind a Broker gets no reply event.
     */
    @Funq
    @CloudEventMapping(trigger = PING_EVENT_TYPE)
    public void republishOutbox(Ping ping) {
        int published = awaitOnVertxContext(outbox::republishPending);
        if (published > 0) {
            Log.infof("Republished %d pending event(s)", published);
        }
        awaitOnVertxContext(() -> limiter.prune(Instant.now()));
        awaitOnVertxContext(() -> retention.run(Instant.now()));
    }

    static <T> T awaitOnVertxContext(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
