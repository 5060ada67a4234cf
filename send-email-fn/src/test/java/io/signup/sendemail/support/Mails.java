package io.signup.sendemail.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import io.signup.peers.MimeParts;

/** What reached a test SMTP server, by recipient. */
public final class Mails {

    private Mails() {
    }

    public static List<MimeMessage> mailsTo(TestMailServer server, String email) {
        return server.received().stream().filter(mail -> {
            try {
                return email.equals(mail.getRecipients(Message.RecipientType.TO)[0].toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    public static MimeMessage single(List<MimeMessage> mails) {
        assertEquals(1, mails.size(), "exactly one mail");
        return mails.get(0);
    }

    public static String part(Part mail, String mimeType) {
        return MimeParts.find(mail, mimeType);
    }

    public static String header(MimeMessage mail, String name) {
        try {
            return mail.getHeader(name, ",");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
