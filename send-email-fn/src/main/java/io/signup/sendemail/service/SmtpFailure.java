package io.signup.sendemail.service;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.ext.mail.SMTPException;

/**
 * What an SMTP failure means for the event that caused it, and for its address. A permanent refusal of the recipient
 * (550, 551, 553, or an enhanced status 5.1.x) is a hard bounce: refused again however often the Broker retries, so
 * the event is poison and the address is suppressed. A full mailbox (552, 5.2.2) is poison too but a soft bounce, as
 * is a mailbox unavailable for now (450, 452, 4.2.x), which is retried: soft bounces are counted per address. A
 * refused login (530, 534, 535, 538) is ours to fix (a rotated password), so the Broker should keep retrying while
 * someone does, and the failure is loud. Everything else (other 4xx replies such as greylisting, connection errors,
 * timeouts, other 5xx such as a relay policy) may pass later and says nothing about the address.
 *
 * @param kind  how to answer
 * @param reply the server's reply (code and text) or the connection failure, for the dead letter and the log
 */
public record SmtpFailure(Kind kind, String reply) {

    public enum Kind {
        /** A hard bounce: poison, and the address is suppressed. */
        RECIPIENT_REFUSED,
        /** A soft bounce that will not pass within the Broker's retries: poison, counted for the address. */
        MAILBOX_FULL,
        /** A soft bounce that may pass: retried, counted for the address. */
        MAILBOX_UNAVAILABLE,
        AUTHENTICATION,
        TRANSIENT
    }

    private static final Set<Integer> RECIPIENT_REFUSED = Set.of(550, 551, 553);
    private static final Set<Integer> MAILBOX_UNAVAILABLE = Set.of(450, 452);
    /** RFC 3463's enhanced status code at the start of the reply text: class.subject.detail. */
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");
    private static final Set<Integer> AUTHENTICATION = Set.of(530, 534, 535, 538);
    private static final int REPLY_MAX_LENGTH = 300;

    public static SmtpFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SMTPException smtp) {
                int code = smtp.getReplyCode();
                String reply = shorten(code + " " + smtp.getReplyMessage().replaceFirst("^" + code + "\\s*", ""));
                return new SmtpFailure(kind(code, ENHANCED.matcher(reply)), reply);
            }
        }
        return new SmtpFailure(Kind.TRANSIENT, shorten(String.valueOf(failure)));
    }

    private static Kind kind(int code, Matcher enhanced) {
        String status = enhanced.find() ? enhanced.group(1) + "." + enhanced.group(2) + "." + enhanced.group(3) : "";
        if (status.startsWith("5.1.") || RECIPIENT_REFUSED.contains(code)) {
            return Kind.RECIPIENT_REFUSED;
        }
        if (status.equals("5.2.2") || code == 552) {
            return Kind.MAILBOX_FULL;
        }
        if (status.startsWith("4.2.") || MAILBOX_UNAVAILABLE.contains(code)) {
            return Kind.MAILBOX_UNAVAILABLE;
        }
        return AUTHENTICATION.contains(code) ? Kind.AUTHENTICATION : Kind.TRANSIENT;
    }

    private static String shorten(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > REPLY_MAX_LENGTH ? line.substring(0, REPLY_MAX_LENGTH) : line;
    }
}
