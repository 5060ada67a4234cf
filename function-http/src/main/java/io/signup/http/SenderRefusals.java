package io.signup.http;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Says why a sender was refused. Quarkus OIDC verifies each request's Bearer token (issuer, signature, audience,
 * expiry) against the issuer's published keys, and the {@code quarkus.http.auth.permission.*} policies admit only the
 * subjects named for a path (the token's {@code sub} is its role). Quarkus would answer a bare 401 or 403; this
 * handler answers with a short reason instead, because a Knative delivery refused with a 4xx is not retried but sent
 * to the dead letters with the answer as {@code knativeerrordata}: the reason is what an operator reads there. Each
 * refusal is counted in {@code auth_refused_total{status,reason}} and logged, never with the token.
 */
@ApplicationScoped
public class SenderRefusals {

    /** Ahead of every other failure handler (the function guard's would call a refusal a 500). */
    private static final int ORDER = -2000;

    private static final Map<Integer, String> TOKEN_PROBLEMS = Map.of(
            ErrorCodes.EXPIRED, "expired",
            ErrorCodes.AUDIENCE_INVALID, "audience",
            ErrorCodes.AUDIENCE_MISSING, "audience",
            ErrorCodes.ISSUER_INVALID, "issuer",
            ErrorCodes.ISSUER_MISSING, "issuer",
            ErrorCodes.SIGNATURE_INVALID, "signature",
            ErrorCodes.SIGNATURE_MISSING, "signature",
            ErrorCodes.NOT_YET_VALID, "not_yet_valid");

    private static final Map<String, String> REASONS = Map.of(
            "missing", "no Bearer token: only our Triggers, PingSource and operators may call",
            "expired", "token expired",
            "audience", "token is addressed to another audience",
            "issuer", "token is from another issuer",
            "signature", "token signature does not verify against the issuer's keys",
            "not_yet_valid", "token is not valid yet",
            "invalid", "token is not a valid token of the issuer");

    private final MeterRegistry metrics;

    public SenderRefusals(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).failureHandler(this::refuse);
    }

    private void refuse(RoutingContext context) {
        Throwable failure = context.failure();
        if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException) {
            unauthenticated(context, tokenProblem(failure));
        } else if (failure instanceof ForbiddenException) {
            answer(context, 403, "sender", "sender " + subject(context) + " may not call "
                    + context.request().method() + " " + context.request().path());
        } else {
            context.next();
        }
    }

    /** Answers 401 for {@code reason} (a key of the reasons above), counted and logged. */
    void unauthenticated(RoutingContext context, String reason) {
        answer(context, 401, reason, REASONS.get(reason));
    }

    /** Why the token did not verify, from jose4j's error codes; {@code missing} when there was none. */
    static String tokenProblem(Throwable failure) {
        InvalidJwtException invalid = FailureMapping.find(failure, InvalidJwtException.class);
        if (invalid == null) {
            return failure instanceof UnauthorizedException ? "missing" : "invalid";
        }
        return invalid.getErrorDetails().stream().map(error -> TOKEN_PROBLEMS.get(error.getErrorCode()))
                .filter(problem -> problem != null).findFirst().orElse("invalid");
    }

    private static String subject(RoutingContext context) {
        SecurityIdentity identity = context.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        return identity == null || identity.isAnonymous() ? "(anonymous)" : identity.getPrincipal().getName();
    }

    private void answer(RoutingContext context, int status, String reason, String message) {
        metrics.counter("auth.refused", "status", Integer.toString(status), "reason", reason).increment();
        Log.warnf("%s %s refused with %d: %s", context.request().method(), context.request().path(), status, message);
        if (status == 401) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
        }
        FunctionHttpGuard.answer(context, HttpAnswer.of(status, message));
    }
}
