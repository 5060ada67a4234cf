package io.signup.local;

import java.util.List;

import io.cloudevents.CloudEvent;
import io.fabric8.knative.eventing.v1alpha1.EventPolicy;
import io.fabric8.knative.eventing.v1alpha1.EventPolicySpecFrom;
import io.signup.contract.Senders;
import io.signup.peers.LocalIssuer;

/**
 * Who may post to the local Broker, as Knative's authentication-oidc decides it for a Broker with EventPolicies
 * (knative/eventing {@code pkg/auth/verifier.go}): the request must carry a token of the issuer for the Broker's
 * audience (401 otherwise), and its subject must be one that an EventPolicy naming this Broker admits, with the
 * event passing that policy's filters (403 otherwise). A policy's {@code from} names a SinkBinding (its identity) or
 * a subject ({@code sub}, a trailing {@code *} matching any suffix).
 */
final class BrokerIngress {

    /** A refusal: its status and why. */
    record Refusal(int status, String reason) {
    }

    private final LocalIssuer issuer;
    private final String audience;
    private final List<EventPolicy> policies;

    BrokerIngress(LocalIssuer issuer, KnativeConfig config) {
        this.issuer = issuer;
        this.audience = Senders.brokerAudience(config.broker().getMetadata().getName());
        String broker = config.broker().getMetadata().getName();
        this.policies = config.eventPolicies().stream().filter(policy -> policy.getSpec().getTo().stream()
                .anyMatch(to -> to.getRef() != null && "Broker".equals(to.getRef().getKind())
                        && broker.equals(to.getRef().getName())))
                .toList();
    }

    /** Why this request may not post {@code event}, or null when it may. */
    Refusal refusal(String authorization, CloudEvent event) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return new Refusal(401, "no Bearer token");
        }
        String subject = issuer.verifiedSubject(authorization.substring("Bearer ".length()).strip(), audience);
        if (subject == null) {
            return new Refusal(401, "token not valid for " + audience);
        }
        boolean admitted = policies.isEmpty() || policies.stream().anyMatch(policy -> policy.getSpec().getFrom()
                .stream().anyMatch(from -> admits(from, subject))
                && (policy.getSpec().getFilters() == null || policy.getSpec().getFilters().stream()
                        .allMatch(filter -> TriggerFilter.matches(filter, event))));
        return admitted ? null : new Refusal(403, "no EventPolicy admits " + subject + " sending " + event.getType());
    }

    private static boolean admits(EventPolicySpecFrom from, String subject) {
        String sub = from.getSub();
        if (sub != null) {
            return sub.endsWith("*") ? subject.startsWith(sub.substring(0, sub.length() - 1)) : subject.equals(sub);
        }
        return from.getRef() != null && "SinkBinding".equals(from.getRef().getKind())
                && subject.equals(Senders.sinkBinding(from.getRef().getName()));
    }
}
