package io.signup.saveemail.function;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.signup.http.FailureMapping;
import io.signup.http.FunctionHttpGuard;
import io.signup.http.HttpAnswer;
import io.signup.saveemail.config.SaveEmailConfig;
import io.signup.saveemail.report.MailReports;
import io.signup.saveemail.report.PostmarkWebhooks;
import io.signup.saveemail.report.ReportRefused;
import io.signup.saveemail.report.SesNotifications;
import io.signup.saveemail.report.SnsMessages;
import io.signup.saveemail.service.DatabaseFailures;
import io.signup.saveemail.service.ReportedSuppressions;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The intakes of bounce and complaint reports that arrive after the SMTP conversation, public because providers post
 * them from the internet: {@code POST /reports/ses} (Amazon SES through SNS, believed by its signature),
 * {@code POST /reports/postmark} (Postmark's Bounce and SpamComplaint webhooks) and {@code POST /reports/raw} (a mail
 * server's RFC 3464 or RFC 5965 report as {@code message/rfc822}), both with HTTP basic authentication. Routes of
 * their own, before the function guard, which lets only JSON through to Funqy.
 * <p>
 * A report that was read is answered 200 whatever it changed ({@code {"suppressed": n}}), so the provider does not
 * resend it; one that cannot be read 400; a forged one 401 or 403, and nothing of it is stored; 503 when the database
 * does not answer or the signing certificate cannot be fetched, which a resend fixes.
 */
@ApplicationScoped
public class ReportEndpoints {

    static final String SES = "/reports/ses";
    static final String POSTMARK = "/reports/postmark";
    static final String RAW = "/reports/raw";
    /** After CORS and the body handler, before the function guard, as the form endpoints. */
    private static final int ORDER = -140;
    private static final int RETRY_AFTER_SECONDS = 10;

    private final ReportedSuppressions suppressions;
    private final SnsMessages sns;
    private final SaveEmailConfig.Credentials postmark;
    private final SaveEmailConfig.Credentials raw;

    public ReportEndpoints(ReportedSuppressions suppressions, SnsMessages sns, SaveEmailConfig config) {
        this.suppressions = suppressions;
        this.sns = sns;
        this.postmark = config.reports().postmark();
        this.raw = config.reports().raw();
    }

    void install(@Observes Router router) {
        router.post(SES).order(ORDER).handler(context -> run(context, sns.enabled(), this::ses));
        router.post(POSTMARK).order(ORDER).handler(context -> authenticated(context, postmark,
                body -> suppressions.apply(PostmarkWebhooks.reports(json(body)))));
        router.post(RAW).order(ORDER).handler(context -> authenticated(context, raw,
                body -> suppressions.apply(MailReports.reports(body.getBytes()))));
    }

    /** A verified SNS message: a notification's reports are applied; a subscription request is confirmed. */
    private Uni<Integer> ses(Buffer body) {
        return sns.verified(json(body)).chain(message -> switch (SnsMessages.text(message, "Type")) {
            case SnsMessages.NOTIFICATION -> suppressions.apply(SesNotifications.reports(
                    SnsMessages.text(message, "Message")));
            case SnsMessages.SUBSCRIPTION_CONFIRMATION -> sns.confirm(message).replaceWith(0);
            default -> Uni.createFrom().item(0);
        });
    }

    private void authenticated(RoutingContext context, SaveEmailConfig.Credentials credentials,
            Function<Buffer, Uni<Integer>> work) {
        run(context, credentials.configured(), body -> {
            if (!matches(credentials, context.request().getHeader(HttpHeaderNames.AUTHORIZATION))) {
                context.response().putHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"reports\"");
                throw new ReportRefused(401, "wrong or missing credentials");
            }
            return work.apply(body);
        });
    }

    /** Compares in constant time, so the answer's timing tells nothing about the expected credentials. */
    private static boolean matches(SaveEmailConfig.Credentials expected, String authorization) {
        byte[] given = Optional.ofNullable(authorization).filter(header -> header.regionMatches(true, 0, "Basic ", 0, 6))
                .map(header -> header.substring(6).strip()).map(ReportEndpoints::decode).orElse(new byte[0]);
        byte[] wanted = (expected.username().orElseThrow() + ":" + expected.password().orElseThrow())
                .getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(sha256(wanted), sha256(given));
    }

    private void run(RoutingContext context, boolean enabled, Function<Buffer, Uni<Integer>> work) {
        if (!enabled) {
            FunctionHttpGuard.answer(context, HttpAnswer.of(404, "this report intake is not configured"));
            return;
        }
        Buffer body = Optional.ofNullable(context.body().buffer()).orElse(Buffer.buffer());
        Supplier<Uni<Integer>> deferred = () -> work.apply(body);
        SaveEmailFunctions.onVertxContext(context.vertx(), deferred).subscribe().with(
                suppressed -> context.response().putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .end(new JsonObject().put("suppressed", suppressed).encode()),
                failure -> {
                    HttpAnswer answer = answer(failure);
                    if (answer.status() == 500) {
                        context.fail(failure);
                    } else {
                        FunctionHttpGuard.answer(context, answer);
                    }
                });
    }

    private static HttpAnswer answer(Throwable failure) {
        ReportRefused refused = FailureMapping.find(failure, ReportRefused.class);
        if (refused != null) {
            return new HttpAnswer(refused.status(), refused.getMessage(),
                    refused.status() == 503 ? RETRY_AFTER_SECONDS : 0);
        }
        if (FailureMapping.find(failure, ClassCastException.class) != null) {
            return HttpAnswer.of(400, "a report field has the wrong type");
        }
        if (DatabaseFailures.isTransient(failure)) {
            return new HttpAnswer(503, "database unavailable", RETRY_AFTER_SECONDS);
        }
        return HttpAnswer.of(500, "report not processed"); // a bug: the guard logs and answers it
    }

    private static JsonObject json(Buffer body) {
        try {
            return new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            throw new ReportRefused(400, "body must be a JSON object");
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}