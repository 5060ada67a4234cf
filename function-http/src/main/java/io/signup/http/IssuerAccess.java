package io.signup.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.oidc.common.OidcEndpoint;
import io.quarkus.oidc.common.OidcRequestFilter;
import io.smallrye.mutiny.Uni;

/**
 * The Kubernetes API server publishes its service-account issuer's discovery document and keys only to
 * authenticated callers (the {@code system:service-account-issuer-discovery} role, bound to every service account by
 * default). So the requests Quarkus OIDC makes for them carry this function's own service-account token, projected at
 * {@code signup.oidc.issuer-token-file}, read again on each request (they are rare: at start and when the issuer's
 * keys change), so the kubelet's renewal is picked up. No file (a local issuer): no header.
 */
@ApplicationScoped
@OidcEndpoint({ OidcEndpoint.Type.DISCOVERY, OidcEndpoint.Type.JWKS })
public class IssuerAccess implements OidcRequestFilter {

    private final Path tokenFile;

    public IssuerAccess(OidcConfig config) {
        this.tokenFile = config.issuerTokenFile();
    }

    @Override
    public Uni<Void> filter(OidcRequestFilterContext context) {
        return context.runBlocking(() -> {
            try {
                String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
                context.request().putHeader("Authorization", "Bearer " + token);
            } catch (NoSuchFileException none) {
                // A local issuer's keys are public.
            } catch (IOException e) {
                Log.warnf("Service-account token at %s unreadable, asking the issuer without it: %s", tokenFile,
                        e.getMessage());
            }
        });
    }
}
