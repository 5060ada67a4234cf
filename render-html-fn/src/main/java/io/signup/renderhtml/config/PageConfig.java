package io.signup.renderhtml.config;

import java.net.URI;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Our own settings; each also reads from its env var form. */
@ConfigMapping(prefix = "signup.page")
public interface PageConfig {

    /** Where the form posts: save-email-fn's saveEmail function (env SAVE_EMAIL_URL). */
    URI saveEmailUrl();

    /**
     * How long browsers and caches may reuse the page without asking. Short, because the page names assets by content
     * hash and changes only with a deployment; after it, a conditional request costs a 304.
     */
    @WithDefault("5m")
    Duration maxAge();
}
