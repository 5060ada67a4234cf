package io.signup.saveemail.report;

/**
 * A report the intake will not take, with the status that says why: 400 for one that cannot be read (the sender
 * should not resend it as is), 401 for missing or wrong credentials, 403 for a signature that does not verify; 503
 * when it cannot be checked now (the signing certificate cannot be fetched), which a resend fixes. Nothing of a
 * refused report is stored.
 */
public class ReportRefused extends RuntimeException {

    private final int status;

    public ReportRefused(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
