package io.signup.saveemail.function;

import java.util.function.Supplier;

import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.quarkus.logging.Log;
import io.quarkus.vertx.VertxContextSupport;
import io.signup.saveemail.service.OutboxRelay;
import io.signup.saveemail.service.SignupService;
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

    public SaveEmailFunctions(SignupService signups, OutboxRelay outbox) {
        this.signups = signups;
        this.outbox = outbox;
    }

    /** {@code POST /saveEmail} from the signup page, or a CloudEvent of type {@code saveEmail}. */
    @Funq
    public SignupReceipt saveEmail(SignupRequest request) {
        awaitOnVertxContext(() -> request == null
                ? signups.subscribe(null, null, null)
                : signups.subscribe(request.email(), request.name(), request.website()));
        return SignupReceipt.ACCEPTED;
    }

    /**
     * Publishes the outbox records whose publish failed or whose publisher died. Returns nothing, so a caller
     * behind a Broker gets no reply event.
     */
    @Funq
    @CloudEventMapping(trigger = PING_EVENT_TYPE)
    public void republishOutbox() {
        int published = awaitOnVertxContext(outbox::republishPending);
        if (published > 0) {
            Log.infof("Republished %d pending event(s)", published);
        }
    }

    private static <T> T awaitOnVertxContext(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
