package io.signup.saveemail.function;

import java.time.Instant;
import java.util.function.Supplier;

import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.quarkus.logging.Log;
import io.quarkus.vertx.VertxContextSupport;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.signup.saveemail.Requester;
import io.signup.saveemail.outbox.OutboxRelay;
import io.signup.saveemail.service.LegacyAddressKeys;
import io.signup.saveemail.service.RateLimiter;
import io.signup.saveemail.service.Retention;
import io.signup.saveemail.service.SignupService;
import io.signup.saveemail.web.Requesters;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The functions of save-email-fn. Thin adapters: the services do the work.
 * <p>
 * Funqy invokes every function on a worker thread of its own executor, whatever the function returns, and hands
 * its result back through the same executor; Hibernate Reactive must run on a Vert.x context. A signup therefore
 * returns a {@link Uni}: its work runs on a Vert.x context and the worker is free at once, with no blocking wait.
 * The ping's republish, rare and long, waits on its worker.
 */
public class SaveEmailFunctions {

    /** The type of the events a Knative PingSource sends; its Trigger-less delivery reaches republishOutbox. */
    public static final String PING_EVENT_TYPE = "dev.knative.sources.ping";

    private final SignupService signups;
    private final OutboxRelay outbox;
    private final RateLimiter limiter;
    private final Retention retention;
    private final LegacyAddressKeys legacyKeys;
    private final Requesters requesters;
    private final CurrentVertxRequest request;

    public SaveEmailFunctions(SignupService signups, OutboxRelay outbox, RateLimiter limiter, Retention retention,
            LegacyAddressKeys legacyKeys, Requesters requesters, CurrentVertxRequest request) {
        this.signups = signups;
        this.outbox = outbox;
        this.limiter = limiter;
        this.retention = retention;
        this.legacyKeys = legacyKeys;
        this.requesters = requesters;
        this.request = request;
    }

    /** {@code POST /saveEmail} from the signup page's script, or a CloudEvent of type {@code saveEmail}. */
    @Funq
    public Uni<SignupReceipt> saveEmail(SignupRequest form) {
        SignupRequest input = form == null ? SignupRequest.EMPTY : form;
        RoutingContext http = request.getCurrent();
        Requester requester = requesters.of(http, input.consentVersion());
        return onVertxContext(http.vertx(), () -> signups.subscribe(input.email(), input.name(), input.website(),
                requester)).replaceWith(SignupReceipt.ACCEPTED);
    }

    /** What the PingSource sends (its {@code data}); nothing is read from it, and a call may send none. */
    public record Ping(String reason) {
    }

    /**
     * Publishes the outbox records whose publish failed or whose publisher died, forgets old abuse-limit windows, and
     * deletes what is past its retention ({@link Retention}), and moves suppression rows still under their old key
     * ({@link LegacyAddressKeys}).
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
        awaitOnVertxContext(legacyKeys::rehash);
    }

    /**
     * {@code work} on a Vert.x duplicated context marked safe for Hibernate Reactive, and nothing waits for it: the
     * current context when the caller is on a request's event loop, else a new one.
     */
    static <T> Uni<T> onVertxContext(Vertx vertx, Supplier<Uni<T>> work) {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        VertxContextSafetyToggle.setContextSafe(context, true);
        // A worker may see the request's context as current (propagated), but must not run the work itself.
        // Deferred: work that throws instead of returning a failed Uni still fails the Uni.
        Uni<T> deferred = Uni.createFrom().deferred(work::get);
        if (Context.isOnEventLoopThread() && Vertx.currentContext() == context) {
            return deferred;
        }
        return Uni.createFrom().emitter(emitter -> context.runOnContext(
                start -> deferred.subscribe().with(emitter::complete, emitter::fail)));
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
