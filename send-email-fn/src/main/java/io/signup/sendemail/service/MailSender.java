package io.signup.sendemail.service;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;

/**
 * Hands a mail to the SMTP server. The send is started at once and runs to its end whoever waits for it, so a caller
 * that stops waiting (a timeout) still learns the outcome through the returned Uni. Its own bean so that the send is
 * a client span of the delivery's trace, declared rather than coded.
 */
@ApplicationScoped
public class MailSender {

    private final ReactiveMailer mailer;
    private final String fromDomain;

    public MailSender(ReactiveMailer mailer, @ConfigProperty(name = "quarkus.mailer.from") String from) {
        this.mailer = mailer;
        // "Signup <welcome@signup.example>" or "welcome@signup.example": the domain names our Message-IDs.
        this.fromDomain = from.replaceAll(".*@", "").replaceAll("[>\\s]", "");
    }

    /**
     * Starts sending the mail {@code mail} renders; the Uni completes when the server accepted it, or fails with why it
     * did not (or why it could not be rendered).
     */
    @WithSpan(value = "smtp send", kind = SpanKind.CLIENT)
    public Uni<Void> start(Supplier<Mail> mail) {
        Uni<Void> sending = Uni.createFrom().deferred(() -> mailer.send(mail.get())).memoize().indefinitely();
        sending.subscribe().with(done -> { }, failed -> { }); // runs now, awaited or not
        return sending;
    }

    public String fromDomain() {
        return fromDomain;
    }
}
