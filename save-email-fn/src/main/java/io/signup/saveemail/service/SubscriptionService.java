package io.signup.saveemail.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.signup.contract.LinkToken;
import io.signup.contract.PageOutcome;
import io.signup.contract.SignupEvent;
import io.signup.contract.SubscriptionConfirmed;
import io.signup.contract.SubscriptionUnsubscribed;
import io.signup.saveemail.ConsentRecord;
import io.signup.saveemail.Requester;
import io.signup.saveemail.Subscriber;
import io.signup.saveemail.outbox.OutboxEvent;
import io.signup.saveemail.outbox.OutboxRelay;
import io.smallrye.mutiny.Uni;

/**
 * What the links in our mails do: confirm a pending subscription, and unsubscribe. Each step is looked up by the
 * hash of its token, changes the subscriber, writes a consent record and an outbox event in one transaction, and
 * publishes the event after the commit. Tokens are never logged.
 */
@ApplicationScoped
public class SubscriptionService {

    private final OutboxRelay relay;
    private final MeterRegistry metrics;

    public SubscriptionService(OutboxRelay relay, MeterRegistry metrics) {
        this.relay = relay;
        this.metrics = metrics;
    }

    /**
     * @return {@link PageOutcome#CONFIRMED}, {@link PageOutcome#ALREADY_CONFIRMED} for a used link,
     *         {@link PageOutcome#EXPIRED}, or {@link PageOutcome#INVALID_LINK} for an unknown or replaced one
     */
    public Uni<PageOutcome> confirm(String token, Requester requester) {
        return apply(token, "confirmTokenHash", (subscriber, now) -> {
            if (subscriber.status == Subscriber.Status.CONFIRMED) {
                return Uni.createFrom().item(new Step(PageOutcome.ALREADY_CONFIRMED, null));
            }
            if (subscriber.status != Subscriber.Status.PENDING) {
                return Uni.createFrom().item(new Step(PageOutcome.INVALID_LINK, null));
            }
            if (!now.isBefore(subscriber.confirmExpiresAt)) {
                return Uni.createFrom().item(new Step(PageOutcome.EXPIRED, null));
            }
            String unsubscribeToken = LinkToken.generate();
            subscriber.confirm(unsubscribeToken, now);
            return record(subscriber, ConsentRecord.Action.CONFIRM, requester, now, new Step(PageOutcome.CONFIRMED,
                    relay.newRecord(SignupEvent.CONFIRMED, subscriber, new SubscriptionConfirmed(subscriber.email,
                            subscriber.name, unsubscribeToken, now), now)));
        });
    }

    /**
     * Unsubscribes at once; a second use of the link is a no-op with the same outcome.
     *
     * @return {@link PageOutcome#UNSUBSCRIBED}, or {@link PageOutcome#INVALID_LINK} for an unknown token
     */
    public Uni<PageOutcome> unsubscribe(String token, Requester requester) {
        return apply(token, "unsubscribeTokenHash", (subscriber, now) -> {
            if (subscriber.status == Subscriber.Status.UNSUBSCRIBED) {
                return Uni.createFrom().item(new Step(PageOutcome.UNSUBSCRIBED, null));
            }
            subscriber.unsubscribe(now);
            return record(subscriber, ConsentRecord.Action.UNSUBSCRIBE, requester, now, new Step(
                    PageOutcome.UNSUBSCRIBED, relay.newRecord(SignupEvent.UNSUBSCRIBED, subscriber,
                            new SubscriptionUnsubscribed(subscriber.email, now), now)));
        });
    }

    /** The outcome of a step, and the event it emits ({@code null}: none). */
    private record Step(PageOutcome outcome, OutboxEvent event) {
    }

    @FunctionalInterface
    private interface Transition {
        Uni<Step> apply(Subscriber subscriber, Instant now);
    }

    private Uni<PageOutcome> apply(String token, String hashField, Transition transition) {
        if (!LinkToken.isWellFormed(token)) {
            return Uni.createFrom().item(count(PageOutcome.INVALID_LINK));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> Subscriber.<Subscriber>find(hashField, LinkToken.hash(token))
                        .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                        .chain(subscriber -> subscriber == null
                                ? Uni.createFrom().item(new Step(PageOutcome.INVALID_LINK, null))
                                : transition.apply(subscriber, now)))
                .call(step -> step.event() == null ? Uni.createFrom().voidItem() : relay.publish(step.event()))
                .map(step -> count(step.outcome()));
    }

    private Uni<Step> record(Subscriber subscriber, ConsentRecord.Action action, Requester requester, Instant now,
            Step step) {
        return ConsentRecord.of(subscriber, action, requester, now).persist()
                .chain(() -> step.event().persist()).replaceWith(step);
    }

    /** subscription_steps_total{outcome="confirmed|already-confirmed|expired|invalid-link|unsubscribed"} */
    private PageOutcome count(PageOutcome outcome) {
        metrics.counter("subscription.steps", "outcome", outcome.slug()).increment();
        return outcome;
    }
}
