package io.signup.sendemail.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real SMTP server once for the test run and points the function at it through the standard keys. */
public class SendEmailTestEnvironment implements QuarkusTestResourceLifecycleManager {

    public static final TestMailServer MAIL = new TestMailServer();

    /** Its own server for the outage tests, which stop and restart it: the other tests never see it restarted. */
    public static class Outage extends SendEmailTestEnvironment {

        public static final TestMailServer OUTAGE_MAIL = new TestMailServer();

        @Override
        protected TestMailServer server() {
            return OUTAGE_MAIL;
        }
    }

    protected TestMailServer server() {
        return MAIL;
    }

    @Override
    public Map<String, String> start() {
        server().start();
        return Map.ofEntries(
                Map.entry("quarkus.mailer.host", "localhost"),
                Map.entry("quarkus.mailer.port", Integer.toString(server().port())),
                Map.entry("quarkus.mailer.start-tls", "DISABLED"),
                Map.entry("quarkus.mailer.from", "Signup <welcome@signup.test>"),
                Map.entry("signup.mail.subject", "Welcome to the test"),
                Map.entry("signup.mail.confirm-subject", "Confirm, please"),
                Map.entry("signup.links.page-url", "https://signup.test"),
                Map.entry("signup.links.action-url", "https://save.signup.test/"),
                Map.entry("signup.mail.send-timeout", "2s"));
    }

    @Override
    public void stop() {
        server().stop();
    }
}
