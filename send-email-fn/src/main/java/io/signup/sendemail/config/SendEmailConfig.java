package io.signup.sendemail.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Our own settings; each also reads from its env var form (signup.mail.subject = SIGNUP_MAIL_SUBJECT). */
@ConfigMapping(prefix = "signup.mail")
public interface SendEmailConfig {

    /** Subject of the welcome mail. Set by the operator, never taken from an event. */
    @WithDefault("Welcome aboard")
    String subject();

    /** Upper bound of one SMTP send, connect included: a stuck server must not hold the function. */
    @WithDefault("10s")
    Duration sendTimeout();

    /** How many recently handled events this instance remembers to recognise a redelivery. */
    @WithDefault("10000")
    int rememberedEvents();
}
