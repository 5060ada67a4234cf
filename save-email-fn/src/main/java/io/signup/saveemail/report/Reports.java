package io.signup.saveemail.report;

import java.util.Optional;

import io.signup.contract.EmailAddress;
import io.signup.contract.InvalidSignupException;
import io.signup.contract.SubscriptionSuppressed.Reporter;

/** What every intake does with a recipient it read. */
final class Reports {

    private Reports() {
    }

    /**
     * The report about {@code rawAddress}; none when it is not an address we could ever have mailed (it changes
     * nothing, like an address we do not know).
     */
    static Optional<Report> recipient(String rawAddress, Report.Kind kind, Reporter reporter, String reportId,
            String detail) {
        if (rawAddress == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Report(EmailAddress.parse(rawAddress.strip()), kind, reporter, reportId, detail));
        } catch (InvalidSignupException e) {
            return Optional.empty();
        }
    }
}
