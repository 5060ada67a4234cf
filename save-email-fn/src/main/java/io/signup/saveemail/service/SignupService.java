package io.signup.saveemail.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
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
import io.signup.saveemail.RateLimitWindow;
import io.signup.saveemail.Requester;
import io.signup.saveemail.Subscriber;
import io.signup.saveemail.config.SaveEmailConfig;
import io.signup.saveemail.outbox.OutboxEvent;
import io.signup.saveemail.outbox.OutboxRelay;
import io.signup.saveemail.outbox.PublishMarks;
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
    private final PublishMarks marks;
    private final RateLimiter limiter;
    private final SaveEmailConfig.Consent config;
    private final MeterRegistry metrics;

    public SignupService(OutboxRelay relay, PublishMarks marks, RateLimiter limiter, SaveEmailConfig config,
            MeterRegistry metrics) {
        this.relay = relay;
        this.marks = marks;
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
        if (honeypot != null && !honeypot.isBlank()) {
            // Counted like any signup, so a bot learns nothing from the limits either; nothing else happens.
            return limiter.hit(requester.address(), email.mailbox(), now)
                    .onFailure(RateLimitedException.class).invoke(() -> count("limited", "none"))
                    .invoke(() -> {
                        Log.info("Signup with a filled honeypot field ignored");
                        count("rejected", "honeypot");
                    });
        }
        RateLimiter.Hits hits = limiter.windows(requester.address(), email.mailbox(), now);
        PublishMarks.Taken earlier = marks.take();
        return Panache.withTransaction(() -> store(email, name, requester, hits, earlier))
                .onFailure().invoke(() -> marks.restore(earlier))
                .invoke(stored -> {
                    // After the commit: the refused attempt stays counted.
                    if (stored.limited() != null) {
                        count("limited", "none");
                        throw stored.limited();
                    }
                    count(stored.record() == null ? "duplicate" : "accepted", "none");
                })
                .call(stored -> stored.record() == null ? Uni.createFrom().voidItem() : relay.publish(stored.record()))
                .replaceWithVoid();
    }

    /**
     * What a signup's transaction did: the outbox record of the confirmation mail to send (null when none is due), or
     * the refusal of an attempt over its limits (counted and committed).
     */
    private record Stored(OutboxEvent record, RateLimitedException limited) {
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

    /**
     * A new address costs one statement ({@link NewSignupStatement}), which also writes the publish marks of
     * {@code earlier} signups. When it stored nothing, the windows' counts say whether the limits refused it; if not,
     * the address is known: the locked read and, when a mail is due, the update, consent record and outbox record go
     * through the session.
     */
    private Uni<Stored> store(EmailAddress email, String name, Requester requester, RateLimiter.Hits hits,
            PublishMarks.Taken earlier) {
        Instant now = hits.now();
        String token = LinkToken.generate();
        Subscriber fresh = Subscriber.pending(email, name, token, now, config.tokenTtl());
        OutboxEvent event = requested(fresh, token, now);
        return NewSignupStatement.run(hits, fresh, consent(fresh, requester, now), event, earlier).chain(stored -> {
            if (stored) {
                return Uni.createFrom().item(new Stored(event, null));
            }
            return counted(hits).chain(counted -> {
                try {
                    hits.check(counted);
                } catch (RateLimitedException limited) {
                    return Uni.createFrom().item(new Stored(null, limited));
                }
                return known(email, name, requester, token, now);
            });
        });
    }

    /** The windows' counts as this transaction left them, this signup included, by key. */
    private static Uni<Map<String, Integer>> counted(RateLimiter.Hits hits) {
        Object[] ids = hits.windows().stream()
                .map(window -> new RateLimitWindow.Id(window.key(), window.start())).toArray();
        return Panache.getSession().chain(session -> session.find(RateLimitWindow.class, ids))
                .map(windows -> {
                    Map<String, Integer> counted = new HashMap<>();
                    windows.stream().filter(Objects::nonNull)
                            .forEach(window -> counted.put(window.id.key(), window.hits));
                    return counted;
                });
    }

    /** A signup for an address already stored: a new confirmation mail when one is due. */
    private Uni<Stored> known(EmailAddress email, String name, Requester requester, String token, Instant now) {
        return Subscriber.<Subscriber>find("lower(email) = lower(?1)", email.toString())
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                .map(existing -> askAgain(existing, name, token, now))
                .chain(subscriber -> subscriber == null ? Uni.createFrom().nullItem()
                        : requestConfirmation(subscriber, requester, token, now))
                .map(record -> new Stored(record, null));
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
        OutboxEvent event = requested(subscriber, token, now);
        return consent(subscriber, requester, now).persist().chain(() -> event.persist()).replaceWith(event);
    }

    private OutboxEvent requested(Subscriber subscriber, String token, Instant now) {
        return relay.newRecord(SignupEvent.REQUESTED, subscriber, new SubscriptionRequested(
                subscriber.email, subscriber.name, token, subscriber.confirmExpiresAt, now), now);
    }

    private static ConsentRecord consent(Subscriber subscriber, Requester requester, Instant now) {
        return ConsentRecord.of(subscriber, ConsentRecord.Action.SIGNUP, requester, now);
    }
}
