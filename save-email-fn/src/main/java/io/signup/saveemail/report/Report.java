package io.signup.saveemail.report;

import io.signup.contract.EmailAddress;
import io.signup.contract.SubscriptionSuppressed.Reporter;

/**
 * One recipient's line of a bounce or complaint report, as every intake reads it.
 *
 * @param address  the recipient the report is about
 * @param kind     what happened to it
 * @param reporter which kind of report said so
 * @param reportId the report's own id (the provider's feedback or bounce id, the report's Message-ID): a soft bounce
 *                 is counted once per report, however often the report is delivered
 * @param detail   the status and diagnostic text, kept with the suppression (at most 300 characters are kept)
 */
public record Report(EmailAddress address, Kind kind, Reporter reporter, String reportId, String detail) {

    public enum Kind {
        /** A permanent failure: suppressed at once. */
        HARD_BOUNCE,
        /** A transient failure or a delay: counted, and enough of them within the window suppress the address. */
        SOFT_BOUNCE,
        /** The recipient marked a mail as spam: suppressed at once. */
        COMPLAINT
    }
}
