package io.signup.http;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where a function finds its OIDC identity toward the Broker ({@link OidcToken}), its own service-account token
 * for reading the issuer's keys ({@link IssuerAccess}), and how long a verified sender's token is kept
 * ({@link VerifiedTokens}); env SIGNUP_OIDC_*. The issuer, audience and allowed senders
 * are Quarkus's own keys ({@code quarkus.oidc.*}, {@code quarkus.http.auth.*}).
 */
@ConfigMapping(prefix = "signup.oidc")
public interface OidcConfig {

    /** Where Knative's SinkBinding projects the token when authentication-oidc is on. */
    @WithDefault("/oidc/token")
    Path tokenFile();

    /** How often the file is read again: Knative renews the token well before it expires. */
    @WithDefault("30s")
    Duration tokenReread();

    /** This function's service-account token, projected by its Knative Service (not automounted). */
    @WithDefault("/var/run/secrets/tokens/kube-api")
    Path issuerTokenFile();

    /**
     * How long a sender's token, once verified, is taken again without verifying it (never past its expiry): the
     * longest a key the issuer withdraws still admits a token it signed ({@link VerifiedTokens}).
     */
    @WithDefault("5m")
    Duration verifiedFor();
}
