package io.signup.sendemail.service;

import java.util.Set;

import io.vertx.ext.mail.SMTPException;

/**
 * What an SMTP failure means for the event that caused it. A permanent refusal of the recipient (550, 551, 552, 553)
 * will be refused again however often the Broker retries: the event is poison. A refused login (530, 534, 535, 538)
 * is ours to fix (a rotated password), so the Broker should keep retrying while someone does, and the failure is
 * loud. Everything else (4xx replies, connection errors, timeouts, other 5xx such as a relay policy) may pass later.
 *
 * @param kind  how to answer
 * @param reply the server's reply (code and text) or the connection failure, for the dead letter and the log
 */
public record SmtpFailure(Kind kind, String reply) {

    public enum Kind {
        RECIPIENT_REFUSED, AUTHENTICATION, TRANSIENT
    }

    private static final Set<Integer> RECIPIENT_REFUSED = Set.of(550, 551, 552, 553);
    private static final Set<Integer> AUTHENTICATION = Set.of(530, 534, 535, 538);
    private static final int REPLY_MAX_LENGTH = 300;

    public static SmtpFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SMTPException smtp) {
                int code = smtp.getReplyCode();
                String reply = shorten(code + " " + smtp.getReplyMessage().replaceFirst("^" + code + "\\s*", ""));
                if (RECIPIENT_REFUSED.contains(code)) {
                    return new SmtpFailure(Kind.RECIPIENT_REFUSED, reply);
                }
                return new SmtpFailure(AUTHENTICATION.contains(code) ? Kind.AUTHENTICATION : Kind.TRANSIENT, reply);
            }
        }
        return new SmtpFailure(Kind.TRANSIENT, shorten(String.valueOf(failure)));
    }

    private static String shorten(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > REPLY_MAX_LENGTH ? line.substring(0, REPLY_MAX_LENGTH) : line;
    }
}
