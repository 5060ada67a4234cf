package io.signup.sendemail.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Our own settings; each also reads from its env var form (signup.mail.subject = SIGNUP_MAIL_SUBJECT). */
@ConfigMapping(prefix = "signup")
public interface SendEmailConfig {

    Mail mail();

    Links links();

    Broker broker();

    interface Broker {
        /** Where dead letters are replayed to: the Broker URL that a Knative SinkBinding injects as K_SINK. */
        Optional<URI> url();
    }

    interface Mail {
        /** Subject of the welcome mail. Set by the operator, never taken from an event. */
        @WithDefault("Welcome aboard")
        String subject();

        /** Subject of the confirmation mail. */
        @WithDefault("Please confirm your subscription")
        String confirmSubject();

        /**
         * The list's identity (RFC 2919) on every mail of the list, the welcome: a name and {@code <label.domain>}
         * (env SIGNUP_MAIL_LIST_ID). Mailbox providers group, filter and judge the list's mail by it.
         */
        @WithDefault("Signup updates <updates.signup.localhost>")
        String listId();

        /**
         * The sender of the confirmation mail, when it should differ from the list's ({@code quarkus.mailer.from}):
         * a transactional mail kept apart from the list's mail, as Google's sender guidelines ask, e.g.
         * {@code Signup <confirm@signup.example>} (env SIGNUP_MAIL_CONFIRM_FROM).
         */
        Optional<String> confirmFrom();

        /** Upper bound of one SMTP send, connect included: a stuck server must not hold the function. */
        @WithDefault("10s")
        Duration sendTimeout();

        /**
         * How long a delivery holds its event while sending: longer than any send can last (send timeout, SMTP socket
         * timeouts), so that no second instance sends while the first may still succeed.
         */
        @WithDefault("60s")
        Duration lease();

        /**
         * What a delivery does with an event whose sender died mid-send (its claim outlived its lease): the SMTP
         * server may have accepted that mail. {@code at-least-once} (the default) sends it again, with the same
         * Message-ID; {@code at-most-once} sends nothing and records the outcome as unknown.
         */
        @WithDefault("at-least-once")
        Guarantee guarantee();

        enum Guarantee {
            /** A mail that may have been accepted is sent again: a duplicate costs less than a lost confirmation. */
            AT_LEAST_ONCE,
            /** A mail that may have been accepted is not sent again; its event is recorded as outcome unknown. */
            AT_MOST_ONCE
        }
    }

    /** Public URLs our mails link to (links must work from a mail client, so they are never cluster-local). */
    interface Links {
        /** render-html-fn: its confirmation and unsubscribe pages (env SIGNUP_LINKS_PAGE_URL). */
        URI pageUrl();

        /**
         * save-email-fn: the RFC 8058 one-click target named in {@code List-Unsubscribe} (env
         * SIGNUP_LINKS_ACTION_URL). Mail providers require https in production.
         */
        URI actionUrl();
    }
}
