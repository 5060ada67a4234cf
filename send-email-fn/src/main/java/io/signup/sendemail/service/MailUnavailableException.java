package io.signup.sendemail.service;

/** The SMTP server did not take the mail (down, timing out, or refusing for now); a later delivery may succeed. */
public class MailUnavailableException extends RuntimeException {

    public MailUnavailableException(Throwable cause) {
        super("mail server did not accept the mail: " + cause, cause);
    }
}
