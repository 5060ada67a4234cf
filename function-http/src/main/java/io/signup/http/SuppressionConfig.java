package io.signup.http;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The suppression list's settings, which must be the same in save-email-fn and send-email-fn since both write the
 * list: the secret of its keyed hash and when soft bounces suppress an address. Declared once here, where both
 * functions read it (env SIGNUP_SUPPRESSION_KEY, SIGNUP_BOUNCES_SOFT_LIMIT, SIGNUP_BOUNCES_SOFT_WINDOW).
 */
@ConfigMapping(prefix = "signup")
public interface SuppressionConfig {

    Suppression suppression();

    Bounces bounces();

    /** The suppression list's keys (io.signup.contract.AddressKey). */
    interface Suppression {
        /**
         * The secret of the keyed hash an address is kept under (from the Secret signup-suppression-key), at least 32
         * characters. No default, so a deployment without it does not start.
         */
        String key();
    }

    /** When soft bounces (a full or unavailable mailbox, a delay) suppress an address: N of them within M. */
    interface Bounces {
        /** N. */
        @WithDefault("3")
        int softLimit();

        /** M, ISO-8601 or e.g. 7d. */
        @WithDefault("P7D")
        Duration softWindow();
    }
}
