package io.signup.sendemail.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One event across its redeliveries: CloudEvents identify an event by {@code source} + {@code id}.
 *
 * @param source the event's source
 * @param id     the event's id
 */
public record EventKey(String source, String id) {

    /**
     * The {@code Message-ID} of the mail this event causes: the same for every delivery of the event, and a valid
     * dot-atom whatever characters the id holds (a hash of source and id).
     */
    public String messageId(String domain) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((source + " " + id).getBytes(StandardCharsets.UTF_8));
            return "<" + HexFormat.of().formatHex(digest, 0, 16) + "@" + domain + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return source + " " + id;
    }
}
