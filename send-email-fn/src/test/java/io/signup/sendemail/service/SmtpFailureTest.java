package io.signup.sendemail.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.signup.sendemail.service.SmtpFailure.Kind;
import io.vertx.ext.mail.SMTPException;

/** What each SMTP reply means for the event: the policy alone, without a server (SmtpRepliesTest plays them). */
class SmtpFailureTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "550 5.1.1 No such user, RECIPIENT_REFUSED", "551 User not local, RECIPIENT_REFUSED",
            "553 Mailbox name not allowed, RECIPIENT_REFUSED",
            "554 5.1.10 Recipient address has null MX, RECIPIENT_REFUSED",
            "552 Mailbox full, MAILBOX_FULL", "554 5.2.2 Mailbox full, MAILBOX_FULL",
            "452 4.2.2 Over quota, MAILBOX_UNAVAILABLE", "450 Mailbox unavailable, MAILBOX_UNAVAILABLE",
            "451 4.2.0 Mailbox busy, MAILBOX_UNAVAILABLE",
            "535 5.7.8 Authentication failed, AUTHENTICATION", "530 Authentication required, AUTHENTICATION",
            "534 Mechanism too weak, AUTHENTICATION", "538 Encryption required, AUTHENTICATION",
            "421 Service not available, TRANSIENT", "451 Try again later, TRANSIENT",
            "554 Relay access denied, TRANSIENT" })
    void eachReplyHasItsKind(String reply, Kind kind) {
        SmtpFailure failure = SmtpFailure.of(smtp(reply));
        assertEquals(kind, failure.kind());
        assertEquals(reply, failure.reply());
    }

    @Test
    void theReplyIsFoundBehindWrappersAndAnythingElseIsTransient() {
        assertEquals(Kind.RECIPIENT_REFUSED,
                SmtpFailure.of(new IllegalStateException("send failed", smtp("550 gone"))).kind());
        SmtpFailure connection = SmtpFailure.of(new IOException("Connection refused"));
        assertEquals(new SmtpFailure(Kind.TRANSIENT, "java.io.IOException: Connection refused"), connection);
    }

    /** What the Vert.x mail client throws for a reply. */
    private static SMTPException smtp(String reply) {
        int code = Integer.parseInt(reply.substring(0, 3));
        return new SMTPException("", code, List.of(reply), code >= 500);
    }

    @Test
    void aLongReplyIsCutToOneShortLine() {
        SmtpFailure failure = SmtpFailure.of(smtp("550 " + "x".repeat(500) + " more"));
        assertEquals(300, failure.reply().length());
    }
}
