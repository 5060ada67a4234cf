package io.signup.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The identities of sender tokens already verified, by the token's exact text. A Knative sender presents the same
 * token on every request until it renews it (an hour), and verifying it again each time (its RS256 signature, then
 * its claims, parsed twice) was a quarter of send-email-fn's CPU per mail. The same text verifies the same way until
 * it expires, or until the issuer withdraws its key: so a verified token is taken again without verifying it until
 * its {@code exp}, and for at most {@code signup.oidc.verified-for} (5 minutes), after which it is verified again and
 * a withdrawn key stops admitting it. A token not seen before, or changed in a single character (a forgery keeps the
 * claims and changes the signature), is verified by Quarkus OIDC as before; a refused token is never kept. Who may call
 * which path is still decided on every request, from the identity's roles.
 * <p>
 * As an {@link IdentityProvider} it answers before Quarkus OIDC's and hands the request on (a null identity) when it
 * holds nothing fresh for the token; as a {@link SecurityIdentityAugmentor} it keeps what Quarkus OIDC verified.
 */
@ApplicationScoped
public class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest>, SecurityIdentityAugmentor {

    /** Quarkus OIDC's attribute for the token's expiry, epoch seconds. */
    private static final String EXPIRES = "quarkus.identity.expire-time";
    /** Marks an identity taken from here, so it is not kept again with a later deadline. */
    private static final String KEPT = VerifiedTokens.class.getName();
    /** A handful of senders hold a token each; more than this many live entries means expired ones to drop. */
    private static final int LIMIT = 256;

    private record Kept(SecurityIdentity identity, Instant until) {
    }

    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    private final Duration verifiedFor;

    public VerifiedTokens(OidcConfig config) {
        this.verifiedFor = config.verifiedFor();
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Ahead of Quarkus OIDC's provider (SYSTEM_FIRST + 1). */
    @Override
    public int priority() {
        return SYSTEM_FIRST + 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof AccessTokenCredential)) {
            return Uni.createFrom().nullItem();
        }
        String token = request.getToken().getToken();
        Kept entry = kept.get(token);
        if (entry == null) {
            return Uni.createFrom().nullItem();
        }
        if (!Instant.now().isBefore(entry.until())) {
            kept.remove(token, entry);
            return Uni.createFrom().nullItem();
        }
        RoutingContext current = HttpSecurityUtils.getRoutingContextAttribute(request);
        // The identity belongs to this request: its routing context, not the one it was first verified in.
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(entry.identity())
                .addAttribute(RoutingContext.class.getName(), current)
                .addAttribute(AuthenticationRequestContext.class.getName(), context)
                .addAttribute(KEPT, Boolean.TRUE)
                .build());
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        if (!identity.isAnonymous() && credential != null && identity.getAttribute(KEPT) == null
                && identity.getAttribute(EXPIRES) instanceof Long expires) {
            keep(credential.getToken(), identity, Instant.ofEpochSecond(expires));
        }
        return Uni.createFrom().item(identity);
    }

    private void keep(String token, SecurityIdentity identity, Instant expires) {
        Instant now = Instant.now();
        Instant until = now.plus(verifiedFor);
        if (expires.isBefore(until)) {
            until = expires;
        }
        if (kept.size() >= LIMIT) {
            kept.values().removeIf(entry -> !now.isBefore(entry.until()));
            if (kept.size() >= LIMIT) {
                return;
            }
        }
        kept.put(token, new Kept(identity, until));
    }
}
