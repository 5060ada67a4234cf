package io.signup.saveemail.report;

import java.util.List;
import java.util.Map;

import io.signup.contract.SubscriptionSuppressed.Reporter;
import io.vertx.core.json.JsonObject;

/**
 * What a Postmark Bounce or SpamComplaint webhook reports. Postmark's bounce types that mean the address is gone
 * (HardBounce, BadEmailAddress) are hard; those that may pass (SoftBounce, Transient, DnsError) are soft; a spam
 * complaint is a complaint. The other types (auto-responders, subscribe requests, challenge mails...) report nothing.
 */
public final class PostmarkWebhooks {

    private static final Map<String, Report.Kind> KINDS = Map.of(
            "HardBounce", Report.Kind.HARD_BOUNCE, "BadEmailAddress", Report.Kind.HARD_BOUNCE,
            "SoftBounce", Report.Kind.SOFT_BOUNCE, "Transient", Report.Kind.SOFT_BOUNCE,
            "DnsError", Report.Kind.SOFT_BOUNCE, "SpamComplaint", Report.Kind.COMPLAINT);

    private PostmarkWebhooks() {
    }

    public static List<Report> reports(JsonObject webhook) {
        String recordType = webhook.getString("RecordType", "");
        if (!recordType.equals("Bounce") && !recordType.equals("SpamComplaint")) {
            return List.of();
        }
        Report.Kind kind = recordType.equals("SpamComplaint") ? Report.Kind.COMPLAINT
                : KINDS.get(webhook.getString("Type", ""));
        if (kind == null) {
            return List.of();
        }
        String detail = ("Postmark " + webhook.getString("Type", recordType) + " "
                + webhook.getString("Description", "")).strip();
        return Reports.recipient(webhook.getString("Email"), kind, Reporter.POSTMARK,
                String.valueOf(webhook.getValue("ID", "")), detail).stream().toList();
    }
}
