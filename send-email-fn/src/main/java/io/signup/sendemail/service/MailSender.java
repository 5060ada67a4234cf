package io.signup.sendemail.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.mailer.MailTemplate.MailTemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * Hands a mail to the SMTP server. The send is started at once and runs to its end whoever waits for it, so a caller
 * that stops waiting (a timeout) still learns the outcome through the returned Uni. Its own bean so that the send is
 * a client span of the delivery's trace, declared rather than coded.
 */
@ApplicationScoped
public class MailSender {

    private final String fromDomain;

    public MailSender(@ConfigProperty(name = "quarkus.mailer.from") String from) {
        // "Signup <welcome@signup.example>" or "welcome@signup.example": the domain names our Message-IDs.
        this.fromDomain = from.replaceAll(".*@", "").replaceAll("[>\\s]", "");
    }

    /** Starts sending; the Uni completes when the server accepted the mail, or fails with why it did not. */
    @WithSpan(value = "smtp send", kind = SpanKind.CLIENT)
    public Uni<Void> start(MailTemplateInstance mail) {
        Uni<Void> sending = mail.send().memoize().indefinitely();
        sending.subscribe().with(done -> { }, failed -> { }); // runs now, awaited or not
        return sending;
    }

    public String fromDomain() {
        return fromDomain;
    }
}
