package io.signup.sendemail.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.mailer.MailTemplate.MailTemplateInstance;

/**
 * Hands a mail to the SMTP server and waits, at most {@code timeout}, until the server accepted it. Its own bean so
 * that the send is a client span of the delivery's trace, declared rather than coded.
 */
@ApplicationScoped
public class MailSender {

    private final String fromDomain;

    public MailSender(@ConfigProperty(name = "quarkus.mailer.from") String from) {
        // "Signup <welcome@signup.example>" or "welcome@signup.example": the domain names our Message-IDs.
        this.fromDomain = from.replaceAll(".*@", "").replaceAll("[>\\s]", "");
    }

    @WithSpan(value = "smtp send", kind = SpanKind.CLIENT)
    public void send(MailTemplateInstance mail, Duration timeout) {
        mail.send().await().atMost(timeout);
    }

    public String fromDomain() {
        return fromDomain;
    }
}
