package io.signup.http;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The challenge for a request that carries no token where a sender must be known. Quarkus answers it with the
 * challenge of the first authentication mechanism, not through a failure handler, so {@link SenderRefusals} would
 * never see it; this mechanism comes first, authenticates nothing itself (Quarkus OIDC does), and challenges with
 * {@code WWW-Authenticate: Bearer} and the reason, like every other refusal.
 */
@ApplicationScoped
public class MissingTokenChallenge implements HttpAuthenticationMechanism {

    private final SenderRefusals refusals;

    public MissingTokenChallenge(SenderRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        refusals.unauthenticated(context, "missing");
        return Uni.createFrom().item(true);
    }

    /** Ahead of Quarkus OIDC's mechanism, so that this challenge is the one sent. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1000;
    }
}
