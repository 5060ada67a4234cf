package io.signup.sendemail.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real SMTP server once for the test run and points the function at it through the standard keys. */
public class SendEmailTestEnvironment implements QuarkusTestResourceLifecycleManager {

    public static final TestMailServer MAIL = new TestMailServer();

    @Override
    public Map<String, String> start() {
        MAIL.start();
        return Map.of(
                "quarkus.mailer.host", "localhost",
                "quarkus.mailer.port", Integer.toString(MAIL.port()),
                "quarkus.mailer.start-tls", "DISABLED",
                "quarkus.mailer.from", "Signup <welcome@signup.test>",
                "signup.mail.subject", "Welcome to the test",
                "signup.mail.send-timeout", "2s");
    }

    @Override
    public void stop() {
        MAIL.stop();
    }
}
