package io.signup.sendemail.function;

import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.signup.contract.SubscriptionCreated;
import io.signup.sendemail.service.WelcomeMailService;

/**
 * The function a Knative Trigger on {@value SubscriptionCreated#TYPE} delivers to, at {@code POST /}. It returns
 * nothing, so a success is an empty 204 and no reply event re-enters the Broker.
 */
public class SendEmailFunction {

    private final WelcomeMailService mails;

    public SendEmailFunction(WelcomeMailService mails) {
        this.mails = mails;
    }

    @Funq
    @CloudEventMapping(trigger = SubscriptionCreated.TYPE)
    public void sendWelcome(CloudEvent<SubscriptionCreated> event) {
        mails.welcome(event.source(), event.id(), event.type(), event.data());
    }
}
