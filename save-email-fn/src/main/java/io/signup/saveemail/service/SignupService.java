package io.signup.saveemail.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.signup.contract.EmailAddress;
import io.signup.contract.InvalidSignupException;
import io.signup.contract.LinkToken;
import io.signup.contract.PersonName;
import io.signup.contract.SignupEvent;
import io.signup.contract.SubscriptionRequested;
import io.signup.saveemail.ConsentRecord;
import io.signup.saveemail.Requester;
import io.signup.saveemail.Subscriber;
import io.signup.saveemail.config.SaveEmailConfig;
import io.signup.saveemail.outbox.OutboxEvent;
import io.signup.saveemail.outbox.OutboxRelay;
import io.smallrye.mutiny.Uni;

/**
 * A signup is a request for a confirmation mail, never a subscription: the address is stored as pending with a
 * consent record, and a {@link SubscriptionRequested} event (written in the same transaction, published after the
 * commit) leads to the mail with the confirmation link.
 * <p>
 * A repeated address asks for a new confirmation mail only when it is pending and its last one is older than the
 * resend window, or when it had unsubscribed; a confirmed address gets nothing. The caller sees the same answer in
 * every case, so the endpoint tells nobody who is subscribed.
 */
@ApplicationScoped
public class SignupService {

    private static final Pattern CONSENT_VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final OutboxRelay relay;
    private final RateLimiter limiter;
    private final SaveEmailConfig.Consent config;
    private final MeterRegistry metrics;

    public SignupService(OutboxRelay relay, RateLimiter limiter, SaveEmailConfig config, MeterRegistry metrics) {
        this.relay = relay;
        this.limiter = limiter;
        this.config = config.consent();
        this.metrics = metrics;
    }

    /**
     * Completes once the signup is durably stored (or needed nothing); the event is published after the commit, and a
     * failed publish leaves it in the outbox instead of failing the signup.
     *
     * @param honeypot the form's hidden field: when filled, a bot sent the form; it gets the usual answer and nothing
     *                 is stored, so it learns nothing
     * @throws InvalidSignupException when the input can never be stored
     * @throws RateLimitedException   (as the Uni's failure) when the client or the mailbox is over its limit
     */
    public Uni<Void> subscribe(String rawEmail, String rawName, String honeypot, Requester requester) {
        EmailAddress email;
        String name;
        try {
            email = EmailAddress.parse(rawEmail);
            name = PersonName.normalize(rawName);
            checkConsentVersion(requester.consentVersion());
        } catch (InvalidSignupException e) {
            count("rejected", e.reason().tag());
            throw e;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return limiter.hit(requester.address(), email.mailbox(), now)
                .onFailure(RateLimitedException.class).invoke(() -> count("limited", "none"))
                .chain(() -> {
                    if (honeypot != null && !honeypot.isBlank()) {
                        Log.info("Signup with a filled honeypot field ignored");
                        count("rejected", "honeypot");
                        return Uni.createFrom().voidItem();
                    }
                    return Panache.withTransaction(() -> store(email, name, requester, now))
                            .invoke(record -> count(record == null ? "duplicate" : "accepted", "none"))
                            .call(record -> record == null ? Uni.createFrom().voidItem() : relay.publish(record))
                            .replaceWithVoid();
                });
    }

    private static void checkConsentVersion(String version) {
        if (version != null && !CONSENT_VERSION.matcher(version).matches()) {
            throw new InvalidSignupException(InvalidSignupException.Reason.FORM_INVALID,
                    "consentVersion must be up to 64 letters, digits, dots, dashes or underscores");
        }
    }

    /** signups_total{outcome="accepted|duplicate|rejected|limited", reason="none|email_missing|...|honeypot"} */
    private void count(String outcome, String reason) {
        metrics.counter("signups", "outcome", outcome, "reason", reason).increment();
    }

    /** The outbox record of the confirmation mail to send, or null when none is due. */
    private Uni<OutboxEvent> store(EmailAddress email, String name, Requester requester, Instant now) {
        String token = LinkToken.generate();
        Subscriber fresh = Subscriber.pending(email, name, token, now, config.tokenTtl());
        return fresh.insertIfNew().chain(inserted -> inserted
                ? Uni.createFrom().item(fresh)
                : Subscriber.<Subscriber>find("lower(email) = lower(?1)", email.toString())
                        .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                        .map(existing -> askAgain(existing, name, token, now)))
                .chain(subscriber -> subscriber == null ? Uni.createFrom().nullItem()
                        : requestConfirmation(subscriber, requester, token, now));
    }

    /** The existing subscriber, pending again with {@code token}, when a confirmation mail is due; else null. */
    private Subscriber askAgain(Subscriber existing, String name, String token, Instant now) {
        if (!existing.wantsConfirmationMail(now, config.resendWindow())) {
            Log.debug("Repeated signup: no mail due");
            return null;
        }
        existing.askConfirmation(token, now, config.tokenTtl());
        if (name != null) {
            existing.name = name;
        }
        return existing;
    }

    private Uni<OutboxEvent> requestConfirmation(Subscriber subscriber, Requester requester, String token,
            Instant now) {
        OutboxEvent event = relay.newRecord(SignupEvent.REQUESTED, subscriber, new SubscriptionRequested(
                subscriber.email, subscriber.name, token, subscriber.confirmExpiresAt, now), now);
        return ConsentRecord.of(subscriber, ConsentRecord.Action.SIGNUP, requester, now).persist()
                .chain(() -> event.persist()).replaceWith(event);
    }
}
