package io.signup.saveemail.report;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePartDataSource;

import io.signup.contract.SubscriptionSuppressed.Reporter;

/**
 * What a report a mail server sends says, read with Jakarta Mail: an RFC 3464 delivery status notification
 * ({@code multipart/report; report-type=delivery-status}: per recipient, {@code Action: failed} with a 5.x.x
 * {@code Status} is a hard bounce, a failure with 4.x.x or {@code Action: delayed} a soft one), or an RFC 5965 abuse
 * report ({@code report-type=feedback-report} with {@code Feedback-Type: abuse}: a complaint about the recipient in
 * {@code Original-Rcpt-To}, or else in the {@code To} of the returned message).
 */
public final class MailReports {

    private MailReports() {
    }

    public static List<Report> reports(byte[] raw) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            ContentType type = new ContentType(Optional.ofNullable(message.getContentType()).orElse("text/plain"));
            if (!type.match("multipart/report")) {
                throw new ReportRefused(400, "not a multipart/report");
            }
            MimeMultipart parts = new MimeMultipart(new MimePartDataSource(message));
            String reportId = Optional.ofNullable(message.getMessageID()).orElseGet(() -> sha256(raw));
            return switch (String.valueOf(type.getParameter("report-type")).toLowerCase(Locale.ROOT)) {
                case "delivery-status" -> deliveryStatus(parts, reportId);
                case "feedback-report" -> feedback(parts, reportId);
                default -> throw new ReportRefused(400, "report-type must be delivery-status or feedback-report");
            };
        } catch (MessagingException | IOException e) {
            throw new ReportRefused(400, "not a readable MIME message");
        }
    }

    private static List<Report> deliveryStatus(MimeMultipart parts, String reportId)
            throws MessagingException, IOException {
        List<Report> reports = new ArrayList<>();
        List<InternetHeaders> groups = fieldGroups(part(parts, "message/delivery-status"));
        // The first group is about the message; each further one about one recipient.
        for (InternetHeaders recipient : groups.subList(Math.min(1, groups.size()), groups.size())) {
            String action = field(recipient, "Action").toLowerCase(Locale.ROOT);
            String status = field(recipient, "Status");
            Report.Kind kind = action.equals("failed") && status.startsWith("5.") ? Report.Kind.HARD_BOUNCE
                    : action.equals("failed") && status.startsWith("4.") || action.equals("delayed")
                            ? Report.Kind.SOFT_BOUNCE : null;
            if (kind != null) {
                String detail = String.join(" ", "DSN", action, status, field(recipient, "Diagnostic-Code")).strip();
                Reports.recipient(typedAddress(field(recipient, "Final-Recipient")), kind, Reporter.DELIVERY_STATUS,
                        reportId, detail).ifPresent(reports::add);
            }
        }
        return reports;
    }

    private static List<Report> feedback(MimeMultipart parts, String reportId) throws MessagingException, IOException {
        List<InternetHeaders> groups = fieldGroups(part(parts, "message/feedback-report"));
        InternetHeaders fields = groups.isEmpty() ? new InternetHeaders() : groups.get(0);
        String feedbackType = field(fields, "Feedback-Type").toLowerCase(Locale.ROOT);
        if (!feedbackType.equals("abuse")) {
            return List.of();
        }
        List<String> recipients = new ArrayList<>();
        String[] rcptTo = fields.getHeader("Original-Rcpt-To");
        if (rcptTo != null) {
            for (String value : rcptTo) {
                recipients.add(value.strip());
            }
        } else {
            recipients.addAll(returnedMessageRecipients(parts));
        }
        List<Report> reports = new ArrayList<>();
        for (String recipient : recipients) {
            Reports.recipient(recipient, Report.Kind.COMPLAINT, Reporter.FEEDBACK_REPORT, reportId,
                    "ARF abuse report").ifPresent(reports::add);
        }
        return reports;
    }

    /** The To of the returned message (a message/rfc822 part, or text/rfc822-headers), when the report has one. */
    private static List<String> returnedMessageRecipients(MimeMultipart parts) throws MessagingException, IOException {
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("message/rfc822") || part.isMimeType("text/rfc822-headers")) {
                String to = new InternetHeaders(new ByteArrayInputStream(part.getInputStream().readAllBytes()))
                        .getHeader("To", ",");
                List<String> addresses = new ArrayList<>();
                if (to != null) {
                    for (InternetAddress address : InternetAddress.parseHeader(to, false)) {
                        addresses.add(address.getAddress());
                    }
                }
                return addresses;
            }
        }
        return List.of();
    }

    private static BodyPart part(MimeMultipart parts, String mimeType) throws MessagingException {
        for (int i = 0; i < parts.getCount(); i++) {
            if (parts.getBodyPart(i).isMimeType(mimeType)) {
                return parts.getBodyPart(i);
            }
        }
        throw new ReportRefused(400, "report without a " + mimeType + " part");
    }

    /** The header-like field groups of a report part, separated by blank lines (RFC 3464 section 2.1). */
    private static List<InternetHeaders> fieldGroups(BodyPart part) throws MessagingException, IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(part.getInputStream().readAllBytes());
        List<InternetHeaders> groups = new ArrayList<>();
        while (in.available() > 0) {
            InternetHeaders group = new InternetHeaders(in);
            if (group.getAllHeaderLines().hasMoreElements()) {
                groups.add(group);
            }
        }
        return groups;
    }

    /** A field's value, unfolded, or "" when absent. */
    private static String field(InternetHeaders fields, String name) {
        String value = fields.getHeader(name, " ");
        return value == null ? "" : value.replaceAll("\\s+", " ").strip();
    }

    /** The address of an {@code address-type; address} field ({@code rfc822; ann@example.com}). */
    private static String typedAddress(String value) {
        String address = value.substring(value.indexOf(';') + 1).strip();
        try {
            return new InternetAddress(address).getAddress();
        } catch (AddressException e) {
            return null;
        }
    }

    private static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
