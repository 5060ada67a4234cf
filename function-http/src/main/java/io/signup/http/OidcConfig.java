package io.signup.http;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where a function finds its OIDC identity toward the Broker ({@link OidcToken}); env SIGNUP_OIDC_*. */
@ConfigMapping(prefix = "signup.oidc")
public interface OidcConfig {

    /** Where Knative's SinkBinding projects the token when authentication-oidc is on. */
    @WithDefault("/oidc/token")
    Path tokenFile();

    /** How often the file is read again: Knative renews the token well before it expires. */
    @WithDefault("30s")
    Duration tokenReread();
}
