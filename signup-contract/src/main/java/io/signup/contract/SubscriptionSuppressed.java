package io.signup.contract;

import java.time.Instant;

/**
 * Data of {@value #TYPE}: a mail provider or a mail server reported, after the SMTP conversation, that the address
 * bounced for good or that its owner complained; the address is on the suppression list and is never mailed again.
 * It carries the address because its consumers (a CRM, a list export) know people by address, and nothing of the
 * report itself: a bounce's diagnostic text or a complaint's copy of the mail stay with the provider.
 *
 * @param email        the canonical address ({@link EmailAddress})
 * @param reason       why it is suppressed
 * @param reportedBy   which kind of report said so
 * @param suppressedAt when the suppression was recorded
 */
public record SubscriptionSuppressed(String email, Reason reason, Reporter reportedBy, Instant suppressedAt) {

    public static final String TYPE = "io.signup.subscription.suppressed.v1";

    public enum Reason {
        /** A permanent failure, or enough transient ones within the soft-bounce window. */
        HARD_BOUNCE,
        /** The recipient marked a mail as spam. */
        COMPLAINT
    }

    public enum Reporter {
        /** Amazon SES, through an SNS notification. */
        AMAZON_SES,
        /** A Postmark Bounce or SpamComplaint webhook. */
        POSTMARK,
        /** An RFC 3464 delivery status notification from a mail server. */
        DELIVERY_STATUS,
        /** An RFC 5965 abuse report (ARF) from a mailbox provider's feedback loop. */
        FEEDBACK_REPORT
    }
}
