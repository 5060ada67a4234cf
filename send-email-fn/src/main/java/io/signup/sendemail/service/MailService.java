package io.signup.sendemail.service;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.mailer.Mail;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.signup.contract.EmailAddress;
import io.signup.contract.InvalidSignupException;
import io.signup.contract.LinkToken;
import io.signup.contract.Links;
import io.signup.contract.PersonName;
import io.signup.contract.SubscriptionConfirmed;
import io.signup.contract.SubscriptionRequested;
import io.signup.contract.SubscriptionUnsubscribed;
import io.signup.sendemail.config.SendEmailConfig;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;

/**
 * Turns subscription events into mails: a confirmation mail per request, a welcome mail per confirmation, and nothing
 * after an unsubscribe. Everything that reaches a mail comes from validated event data: the recipient through
 * {@link EmailAddress} (no CR/LF, no header syntax), the name only into the body, where the HTML template escapes it,
 * tokens only when well formed. Subjects and sender are configuration.
 * <p>
 * Every mail to a confirmed subscriber is list mail: {@code List-Id} (RFC 2919), and RFC 8058 one-click unsubscribe:
 * {@code List-Unsubscribe} with the URL that unsubscribes on POST, {@code List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click}, and a visible link. The confirmation is not list mail, and may have its own sender.
 * Every mail's {@code Message-ID} is derived from its event id, so a resent mail is recognisably the same one.
 */
@ApplicationScoped
public class MailService {

    /** The subscriber states each mail is for (save-email-fn's subscriber.status). */
    private static final String PENDING = "PENDING";
    private static final String CONFIRMED = "CONFIRMED";

    @CheckedTemplate
    static class Templates {
        /** {@code templates/MailService/confirmation.html} and {@code .txt}. */
        static native TemplateInstance confirmation(String name, String email, String confirmUrl,
                String expiresOn);

        /** {@code templates/MailService/welcome.html} and {@code .txt}. */
        static native TemplateInstance welcome(String name, String email, String unsubscribeUrl);
    }

    private final MailSender sender;
    private final MailDeliveries deliveries;
    private final Suppressions suppressions;
    private final SendEmailConfig config;
    private final MeterRegistry metrics;
    private final Timer crashWindow;

    public MailService(MailSender sender, MailDeliveries deliveries, Suppressions suppressions, SendEmailConfig config,
            MeterRegistry metrics) {
        this.sender = sender;
        this.deliveries = deliveries;
        this.suppressions = suppressions;
        this.config = config;
        this.metrics = metrics;
        this.crashWindow = Timer.builder("mail.crash.window")
                .description("From the SMTP server's 250 to the committed SENT mark: a death in it leaves a mail "
                        + "sent but unrecorded")
                .publishPercentiles(0.5, 0.99)
                // Over the last 10 minutes rather than Micrometer's 2: a quiet spell must not blank the figure.
                .distributionStatisticExpiry(Duration.ofMinutes(10))
                .register(metrics);
        // From zero, so the SMTP-login alert's increase() sees the first refusal too.
        for (String kind : List.of("confirmation", "welcome")) {
            metrics.counter("mails", "kind", kind, "outcome", "failed", "cause", "smtp_authentication");
        }
    }

    /**
     * Completes once the mail was accepted (or needs no sending). Nothing in it blocks a thread.
     *
     * @throws PoisonEventException      (also as the Uni's failure) when the event can never become a mail
     * @throws MailUnavailableException (as the Uni's failure) when the SMTP server did not take it (retry later)
     */
    public Uni<Void> confirmation(EventKey event, SubscriptionRequested data) {
        String kind = "confirmation";
        EmailAddress recipient = recipient(event, kind, data == null ? null : data.email());
        String name = name(event, kind, data.name());
        String token = token(event, kind, data.confirmToken());
        if (data.expiresAt() == null) {
            throw poison(event, kind, "invalid_data", "event has no expiry");
        }
        URI confirmUrl = Links.withToken(config.links().pageUrl(), Links.CONFIRM_PAGE, token);
        // Only while the address waits for this confirmation, and nobody unsubscribed or suppressed it since.
        return send(event, kind,
                new MailDeliveries.Gate(suppressions.address(recipient), PENDING, data.requestedAt()),
                confirmationMail().setSubject(config.mail().confirmSubject()).addTo(recipient.toString()),
                () -> Templates.confirmation(name, recipient.toString(), confirmUrl.toString(),
                        data.expiresAt().toString().substring(0, 10)));
    }

    /**
     * As {@link #confirmation}; only while the subscriber is confirmed and not suppressed, so no welcome follows an
     * unsubscribe, whichever of the two events arrives first.
     */
    public Uni<Void> welcome(EventKey event, SubscriptionConfirmed data) {
        String kind = "welcome";
        EmailAddress recipient = recipient(event, kind, data == null ? null : data.email());
        String name = name(event, kind, data.name());
        String token = token(event, kind, data.unsubscribeToken());
        URI oneClick = Links.withToken(config.links().actionUrl(), Links.UNSUBSCRIBE_ACTION, token);
        URI page = Links.withToken(config.links().pageUrl(), Links.UNSUBSCRIBE_PAGE, token);
        Mail mail = new Mail().setSubject(config.mail().subject()).addTo(recipient.toString())
                .addHeader("List-Id", config.mail().listId())
                .addHeader("List-Unsubscribe", "<" + oneClick + ">")
                .addHeader("List-Unsubscribe-Post", Links.ONE_CLICK_FIELD + "=" + Links.ONE_CLICK_VALUE);
        return send(event, kind,
                new MailDeliveries.Gate(suppressions.address(recipient), CONFIRMED, data.confirmedAt()),
                mail, () -> Templates.welcome(name, recipient.toString(), page.toString()));
    }

    /**
     * The confirmation is transactional, not list mail: no List-Id and no unsubscribe (nothing to leave yet), and its
     * own sender when one is configured, so providers judge it apart from the list.
     */
    private Mail confirmationMail() {
        Mail mail = new Mail();
        config.mail().confirmFrom().ifPresent(mail::setFrom);
        return mail;
    }

    /**
     * No mail: an unsubscribe is final until a new double opt-in. It goes on the suppression list, so no mail about
     * anything before it is sent, by any instance.
     *
     * @throws StateUnavailableException when the database does not answer (retry later)
     */
    public void unsubscribed(EventKey event, SubscriptionUnsubscribed data) {
        EmailAddress address = recipient(event, "none", data == null ? null : data.email());
        if (data.unsubscribedAt() == null) {
            throw poison(event, "none", "invalid_data", "event has no time of unsubscribe");
        }
        suppressions.unsubscribed(suppressions.address(address), data.unsubscribedAt());
        count("none", "unsubscribed", "none");
    }

    /**
     * Sends {@code mail} (recipient, subject, headers) with the template's body, once per event across all instances.
     * The answer is 204 only after the SMTP server accepted the mail. A send that outlives the send timeout is
     * answered 503 but keeps its claim: if it completes later, the event is marked sent and a redelivery mails
     * nothing; if it fails, the claim is released for the redelivery.
     * <p>
     * The mark follows the server's {@code 250} on the event loop with nothing in between (no log line, no other
     * statement): that gap is the only time a death leaves a mail sent but unrecorded. mail_crash_window_seconds
     * measures it, from the {@code 250} to the committed mark.
     */
    private Uni<Void> send(EventKey event, String kind, MailDeliveries.Gate gate, Mail mail,
            Supplier<TemplateInstance> body) {
        String messageId = event.messageId(sender.fromDomain());
        return deliveries.claim(event, messageId, gate).chain(decision -> {
            switch (decision.claim()) {
                case SUPPRESSED -> {
                    Log.infof("Event %s not mailed: %s", event, decision.reason());
                    count(kind, "suppressed", decision.reason());
                    return Uni.createFrom().voidItem();
                }
                case DONE -> {
                    Log.infof("Event %s was mailed already (or its outcome is unknown); no second mail", event);
                    count(kind, "duplicate", "none");
                    return Uni.createFrom().voidItem();
                }
                case IN_FLIGHT -> {
                    count(kind, "failed", "in_flight");
                    return Uni.createFrom().failure(new InFlightException());
                }
                case UNKNOWN_RECORDED -> {
                    Log.warnf("Event %s not mailed again: the instance sending it died, the mail server may have it "
                            + "(at most once: recorded as outcome unknown)", event);
                    count(kind, "unknown", "crash_window");
                    return Uni.createFrom().voidItem();
                }
                case RESEND -> {
                    Log.warnf("Event %s mailed again: the instance sending it died, the mail server may have it "
                            + "(at least once: same Message-ID %s)", event, messageId);
                    count(kind, "resent", "crash_window");
                }
                case OWNED -> {
                    // this delivery sends
                }
            }
            mail.addHeader("Message-ID", messageId);
            return deliver(event, kind, gate, () -> MailBodies.render(body.get(), mail));
        });
    }

    /** The claimed event's mail, its mark after the server's 250, and the answer, as {@link #send} describes. */
    private Uni<Void> deliver(EventKey event, String kind, MailDeliveries.Gate gate, Supplier<Mail> mail) {
        Uni<Void> sending = sender.start(mail);
        Uni<Void> marked = sending
                .chain(() -> {
                    long acceptedAt = System.nanoTime();
                    return deliveries.sent(event)
                            .invoke(() -> crashWindow.record(System.nanoTime() - acceptedAt, TimeUnit.NANOSECONDS));
                })
                // A bounce is recorded whether or not this delivery still waits (a late refusal counts too).
                .onFailure().call(failed -> bounced(gate.address(), event, failed))
                .onFailure().call(failed -> deliveries.release(event))
                .memoize().indefinitely();
        marked.subscribe().with(done -> { }, failed -> { }); // marks or releases, awaited or not
        Duration timeout = config.mail().sendTimeout();
        return sending.ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure().recoverWithUni(failure -> {
                    if (failure instanceof TimeoutException) {
                        Log.warnf("Event %s: no answer from the mail server within %s; its outcome decides later",
                                event, timeout);
                        count(kind, "failed", "smtp_timeout");
                        return Uni.createFrom().failure(new MailUnavailableException(failure));
                    }
                    // The bounce recorded and the claim released before the answer.
                    return settled(marked, timeout)
                            .chain(() -> Uni.createFrom().failure(classified(event, kind, failure)));
                })
                .chain(() -> marked.ifNoItem().after(timeout).recoverWithUni(() -> {
                    Log.warnf("Event %s mailed; marking it took longer than %s and goes on", event, timeout);
                    return Uni.createFrom().voidItem();
                }))
                .invoke(() -> {
                    count(kind, "sent", "none");
                    // The normal case, once per mail: mails_total and the event's timeline (GET /events/<id>) say it;
                    // a JSON log line per mail was 9 % of the CPU samples of a delivery.
                    Log.debugf("%s mail for event %s accepted by the mail server", kind, event);
                });
    }

    /**
     * A recipient the server refuses for good makes the event poison (400, with the server's reply, which Knative
     * hands to the dead-letter sink); so does a full mailbox; anything else is a 503 the Broker retries.
     */
    private RuntimeException classified(EventKey event, String kind, Throwable e) {
        SmtpFailure failure = SmtpFailure.of(e);
        switch (failure.kind()) {
            case RECIPIENT_REFUSED -> {
                Log.warnf("Event %s dropped, the mail server refuses its recipient: %s", event, failure.reply());
                count(kind, "rejected", "smtp_recipient_refused");
                return new PoisonEventException("mail server refused the recipient: " + failure.reply());
            }
            case MAILBOX_FULL -> {
                Log.warnf("Event %s dropped, the recipient's mailbox is full: %s", event, failure.reply());
                count(kind, "rejected", "smtp_mailbox_full");
                return new PoisonEventException("mail server refused the recipient: " + failure.reply());
            }
            case MAILBOX_UNAVAILABLE -> count(kind, "failed", "smtp_mailbox_unavailable");
            case AUTHENTICATION -> {
                Log.errorf("Mail server refused our login, event %s will be retried: %s", event, failure.reply());
                count(kind, "failed", "smtp_authentication");
            }
            default -> count(kind, "failed", "smtp_unavailable");
        }
        return new MailUnavailableException(e);
    }

    /**
     * What a refusal says about the address: a hard bounce suppresses it, a full or unavailable mailbox is a soft
     * bounce (enough of them suppress it). Never fails.
     */
    private Uni<Void> bounced(Suppressions.Address address, EventKey event, Throwable failed) {
        SmtpFailure failure = SmtpFailure.of(failed);
        return switch (failure.kind()) {
            case RECIPIENT_REFUSED -> suppressions.suppress(address, Suppressions.Reason.HARD_BOUNCE, failure.reply());
            case MAILBOX_FULL, MAILBOX_UNAVAILABLE -> suppressions.softBounce(address, event, failure.reply());
            default -> Uni.createFrom().voidItem();
        };
    }

    /** {@code marked} ended, whichever way, or the timeout passed. Never fails. */
    private static Uni<Void> settled(Uni<Void> marked, Duration timeout) {
        // the send's own failure, already being answered; or a slow database, which the lease covers
        return marked.ifNoItem().after(timeout).recoverWithItem((Void) null).onFailure().recoverWithNull();
    }

    private EmailAddress recipient(EventKey event, String kind, String email) {
        if (email == null) {
            throw poison(event, kind, "no_data", "event has no data");
        }
        try {
            return EmailAddress.parse(email);
        } catch (InvalidSignupException e) {
            throw poison(event, kind, "invalid_data", e.getMessage());
        }
    }

    private String name(EventKey event, String kind, String raw) {
        try {
            return PersonName.normalize(raw);
        } catch (InvalidSignupException e) {
            throw poison(event, kind, "invalid_data", e.getMessage());
        }
    }

    private String token(EventKey event, String kind, String token) {
        if (!LinkToken.isWellFormed(token)) {
            throw poison(event, kind, "invalid_data", "event has no valid link token");
        }
        return token;
    }

    private PoisonEventException poison(EventKey event, String kind, String cause, String reason) {
        Log.warnf("Event %s dropped, it can never be mailed: %s", event, reason);
        count(kind, "rejected", cause);
        return new PoisonEventException(reason);
    }

    /**
     * mails_total{kind="confirmation|welcome|none",
     * outcome="sent|duplicate|failed|rejected|suppressed|unsubscribed|resent|unknown", cause="none|smtp_unavailable|
     * smtp_timeout|smtp_authentication|smtp_recipient_refused|smtp_mailbox_full|smtp_mailbox_unavailable|in_flight|
     * no_data|invalid_data|crash_window|unsubscribed|hard_bounce|complaint|manual|erased|subscriber_<state>"}
     */
    private void count(String kind, String outcome, String cause) {
        metrics.counter("mails", "kind", kind, "outcome", outcome, "cause", cause).increment();
    }
}
