package io.signup.saveemail.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.signup.contract.SubscriptionSuppressed.Reporter;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What an Amazon SES notification (the Message of a verified SNS Notification) reports: a Bounce (Permanent: hard;
 * Transient or Undetermined: soft) or a Complaint, per recipient. Both SES formats are read: notifications
 * ({@code notificationType}) and event publishing ({@code eventType}). Deliveries and other types report nothing.
 */
public final class SesNotifications {

    private SesNotifications() {
    }

    public static List<Report> reports(String message) {
        JsonObject notification;
        try {
            notification = new JsonObject(message);
        } catch (DecodeException | ClassCastException e) {
            throw new ReportRefused(400, "SES notification is not a JSON object");
        }
        String type = Optional.ofNullable(notification.getString("notificationType"))
                .orElse(notification.getString("eventType", ""));
        return switch (type) {
            case "Bounce" -> bounces(notification.getJsonObject("bounce", new JsonObject()));
            case "Complaint" -> complaints(notification.getJsonObject("complaint", new JsonObject()));
            default -> List.of();
        };
    }

    private static List<Report> bounces(JsonObject bounce) {
        Report.Kind kind = "Permanent".equals(bounce.getString("bounceType")) ? Report.Kind.HARD_BOUNCE
                : Report.Kind.SOFT_BOUNCE;
        String id = bounce.getString("feedbackId", "");
        List<Report> reports = new ArrayList<>();
        for (JsonObject recipient : objects(bounce.getJsonArray("bouncedRecipients"))) {
            String detail = String.join(" ", "SES", bounce.getString("bounceType", ""),
                    bounce.getString("bounceSubType", ""), recipient.getString("status", ""),
                    recipient.getString("diagnosticCode", "")).strip();
            Reports.recipient(recipient.getString("emailAddress"), kind, Reporter.AMAZON_SES, id, detail)
                    .ifPresent(reports::add);
        }
        return reports;
    }

    private static List<Report> complaints(JsonObject complaint) {
        String id = complaint.getString("feedbackId", "");
        String detail = ("SES complaint " + complaint.getString("complaintFeedbackType", "")).strip();
        List<Report> reports = new ArrayList<>();
        for (JsonObject recipient : objects(complaint.getJsonArray("complainedRecipients"))) {
            Reports.recipient(recipient.getString("emailAddress"), Report.Kind.COMPLAINT, Reporter.AMAZON_SES, id,
                    detail).ifPresent(reports::add);
        }
        return reports;
    }

    private static List<JsonObject> objects(JsonArray array) {
        List<JsonObject> objects = new ArrayList<>();
        if (array != null) {
            array.forEach(item -> {
                if (item instanceof JsonObject object) {
                    objects.add(object);
                }
            });
        }
        return objects;
    }
}
