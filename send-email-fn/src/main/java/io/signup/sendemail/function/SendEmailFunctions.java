package io.signup.sendemail.function;


import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.signup.contract.SubscriptionConfirmed;
import io.signup.contract.SubscriptionRequested;
import io.signup.contract.SubscriptionUnsubscribed;
import io.signup.sendemail.service.EventKey;
import io.signup.sendemail.service.MailService;
import io.smallrye.mutiny.Uni;

/**
 * The functions the Triggers in knative/ deliver to, at {@code POST /}, one per event type. They return nothing (a
 * {@code Uni<Void>}: the mail's claim, send and mark run on the event loop, and no worker waits for them), so a
 * success is an empty 204 and no reply event re-enters the Broker. {@link io.signup.http.CloudEventGate} has already
 * refused whatever is not a valid CloudEvent of one of these types.
 */
public class SendEmailFunctions {

    private final MailService mails;

    public SendEmailFunctions(MailService mails) {
        this.mails = mails;
    }

    @Funq
    @CloudEventMapping(trigger = SubscriptionRequested.TYPE)
    public Uni<Void> sendConfirmation(CloudEvent<SubscriptionRequested> event) {
        return Uni.createFrom().deferred(() -> mails.confirmation(key(event), event.data()));
    }

    @Funq
    @CloudEventMapping(trigger = SubscriptionConfirmed.TYPE)
    public Uni<Void> sendWelcome(CloudEvent<SubscriptionConfirmed> event) {
        return Uni.createFrom().deferred(() -> mails.welcome(key(event), event.data()));
    }

    @Funq
    @CloudEventMapping(trigger = SubscriptionUnsubscribed.TYPE)
    public void forgetUnsubscribed(CloudEvent<SubscriptionUnsubscribed> event) {
        mails.unsubscribed(key(event), event.data());
    }

    private static EventKey key(CloudEvent<?> event) {
        return new EventKey(String.valueOf(event.source()), event.id());
    }
}
