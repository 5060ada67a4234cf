package io.signup.http;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TenantConfigResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The issuer of our senders' tokens, connected on the first request that carries a token instead of while the
 * function starts. Quarkus OIDC connects its configured tenant during startup (the discovery document, then the keys:
 * two requests to the API server, over TLS on the cluster) and opens the HTTP port only after, so every cold start
 * waited for them, including save-email-fn's, whose signups carry no token at all. So the issuer stays configured by
 * Quarkus's own keys ({@code quarkus.oidc.*}, from the environment as before), the static tenant is switched off
 * ({@code quarkus.oidc.tenant-enabled=false}), and this resolver gives Quarkus the same configuration, switched on, as
 * a tenant it connects when a token first needs verifying and keeps from then on. A failed connection is not kept:
 * the next token tries again.
 */
@ApplicationScoped
public class SendersTenant implements TenantConfigResolver {

    static final String TENANT = "senders";

    private final Uni<OidcTenantConfig> senders;

    public SendersTenant(io.quarkus.oidc.runtime.OidcConfig oidc) {
        // The same instance on every request: Quarkus reconnects a tenant whose configuration object changed.
        this.senders = Uni.createFrom().item(OidcTenantConfig
                .builder(io.quarkus.oidc.runtime.OidcConfig.getDefaultTenant(oidc))
                .tenantId(TENANT).tenantEnabled(true).build());
    }

    @Override
    public Uni<OidcTenantConfig> resolve(RoutingContext routingContext,
            OidcRequestContext<OidcTenantConfig> requestContext) {
        return senders;
    }
}
