package io.signup.sendemail.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.mailer.MailTemplate.MailTemplateInstance;
import io.quarkus.qute.CheckedTemplate;
import io.signup.contract.EmailAddress;
import io.signup.contract.InvalidSignupException;
import io.signup.contract.SubscriptionCreated;
import io.signup.sendemail.config.SendEmailConfig;

/**
 * Sends one welcome mail per subscription event. Everything that reaches the mail comes from the validated event
 * data: the recipient through {@link EmailAddress} (no CR/LF, no header syntax), the name only into the body, where
 * the HTML template escapes it. Subject and sender are configuration.
 */
@ApplicationScoped
public class WelcomeMailService {

    @CheckedTemplate
    static class Templates {
        /** {@code templates/WelcomeMailService/welcome.html} and {@code .txt}: one mail, both parts. */
        static native MailTemplateInstance welcome(String name, String email);
    }

    private final MailSender sender;
    private final DeliveryLog deliveries;
    private final SendEmailConfig config;
    private final MeterRegistry metrics;

    public WelcomeMailService(MailSender sender, DeliveryLog deliveries, SendEmailConfig config,
            MeterRegistry metrics) {
        this.sender = sender;
        this.deliveries = deliveries;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * @throws PoisonEventException      when the event can never become a mail
     * @throws MailUnavailableException when the SMTP server did not take it (retry later)
     */
    public void welcome(String source, String id, String type, SubscriptionCreated data) {
        if (!SubscriptionCreated.TYPE.equals(type)) {
            throw poison(source, id, "wrong_type", "unexpected event type");
        }
        if (data == null) {
            throw poison(source, id, "no_data", "event has no data");
        }
        EmailAddress recipient;
        String name;
        try {
            recipient = EmailAddress.parse(data.email());
            name = SubscriptionCreated.normalizeName(data.name());
        } catch (InvalidSignupException e) {
            throw poison(source, id, "invalid_data", e.getMessage());
        }
        String key = source + " " + id;
        if (!deliveries.begin(key)) {
            Log.infof("Event %s already mailed by this instance; no second mail", key);
            count("duplicate", "none");
            return;
        }
        try {
            sender.send(Templates.welcome(name, recipient.toString())
                    .to(recipient.toString())
                    .subject(config.subject()), config.sendTimeout());
        } catch (RuntimeException e) {
            deliveries.failed(key);
            count("failed", "smtp_unavailable");
            throw new MailUnavailableException(e);
        }
        deliveries.delivered(key);
        count("sent", "none");
        Log.infof("Welcome mail for event %s accepted by the mail server", key);
    }

    private PoisonEventException poison(String source, String id, String cause, String reason) {
        Log.warnf("Event %s %s dropped, it can never be mailed: %s", source, id, reason);
        count("rejected", cause);
        return new PoisonEventException(reason);
    }

    /** welcome_mails_total{outcome="sent|duplicate|failed|rejected", cause="none|smtp_unavailable|wrong_type|..."} */
    private void count(String outcome, String cause) {
        metrics.counter("welcome.mails", "outcome", outcome, "cause", cause).increment();
    }
}
