package io.signup.sendemail.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.mailer.MailTemplate.MailTemplateInstance;

/**
 * Hands a mail to the SMTP server and waits, at most {@code timeout}, until the server accepted it. Its own bean so
 * that the send is a client span of the delivery's trace, declared rather than coded.
 */
@ApplicationScoped
public class MailSender {

    @WithSpan(value = "smtp send", kind = SpanKind.CLIENT)
    public void send(MailTemplateInstance mail, Duration timeout) {
        mail.send().await().atMost(timeout);
    }
}
