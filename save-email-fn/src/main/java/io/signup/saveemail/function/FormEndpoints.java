package io.signup.saveemail.function;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.signup.contract.InvalidSignupException;
import io.signup.contract.Links;
import io.signup.contract.PageOutcome;
import io.signup.http.FailureMapping;
import io.signup.http.FunctionHttpGuard;
import io.signup.http.HttpAnswer;
import io.signup.saveemail.config.SaveEmailConfig;
import io.signup.saveemail.service.DatabaseFailures;
import io.signup.saveemail.service.RateLimitedException;
import io.signup.saveemail.service.SignupService;
import io.signup.saveemail.service.SubscriptionService;
import io.signup.saveemail.web.Requesters;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTML form posts, for pages that work without JavaScript: a signup, the confirmation button, the unsubscribe
 * button, and the RFC 8058 one-click unsubscribe that mail clients send. Form bodies only
 * ({@code application/x-www-form-urlencoded} or {@code multipart/form-data}); anything else goes on to Funqy through
 * {@link io.signup.http.FunctionHttpGuard}. A browser is answered with 303 to a result page of render-html-fn (the
 * origin it came from, when CORS allows that origin), a mail client's one-click with a plain 200.
 */
@ApplicationScoped
public class FormEndpoints {

    /** After CORS, the body handler and authorization, before the function guard. */
    private static final int ORDER = FunctionHttpGuard.BEFORE_GUARD;
    /** A field only our unsubscribe page's button sends: answer it with a page, not with the one-click's 200. */
    static final String FROM_PAGE = "page";

    private final SignupService signups;
    private final SubscriptionService subscriptions;
    private final Requesters requesters;
    private final URI pageUrl;
    private final List<String> pageOrigins;

    public FormEndpoints(SignupService signups, SubscriptionService subscriptions, Requesters requesters,
            SaveEmailConfig config, @ConfigProperty(name = "quarkus.http.cors.origins") Optional<List<String>> origins) {
        this.signups = signups;
        this.subscriptions = subscriptions;
        this.requesters = requesters;
        this.pageUrl = config.pageUrl();
        this.pageOrigins = origins.orElse(List.of());
    }

    void install(@Observes Router router) {
        router.post("/saveEmail").order(ORDER).handler(context -> ifForm(context, this::signup));
        router.post(Links.CONFIRM_ACTION).order(ORDER).handler(context -> ifForm(context, this::confirm));
        router.post(Links.UNSUBSCRIBE_ACTION).order(ORDER).handler(context -> ifForm(context, this::unsubscribe));
        // A mail client without RFC 8058 opens the List-Unsubscribe URL in a browser: show the page with the button.
        router.get(Links.UNSUBSCRIBE_ACTION).order(ORDER).handler(context -> redirect(context, Links.withToken(
                pageUrl, Links.UNSUBSCRIBE_PAGE, String.valueOf(context.request().getParam(Links.TOKEN)))));
    }

    private void signup(RoutingContext context, MultiMap form) {
        run(context, () -> signups.subscribe(form.get("email"), form.get("name"), form.get("website"),
                        requesters.of(context, form.get("consentVersion"))).replaceWith(PageOutcome.SIGNED_UP),
                outcome -> redirect(context, Links.result(pageBase(context), outcome)));
    }

    private void confirm(RoutingContext context, MultiMap form) {
        run(context, () -> subscriptions.confirm(form.get(Links.TOKEN), requesters.of(context, null)),
                outcome -> redirect(context, Links.result(pageBase(context), outcome)));
    }

    private void unsubscribe(RoutingContext context, MultiMap form) {
        if (!Links.ONE_CLICK_VALUE.equals(form.get(Links.ONE_CLICK_FIELD))) {
            FunctionHttpGuard.answer(context, HttpAnswer.of(400, "expected " + Links.ONE_CLICK_FIELD + "=" + Links.ONE_CLICK_VALUE));
            return;
        }
        String token = Optional.ofNullable(context.request().getParam(Links.TOKEN)).orElse(form.get(Links.TOKEN));
        boolean fromPage = form.contains(FROM_PAGE);
        run(context, () -> subscriptions.unsubscribe(token, requesters.of(context, null)), outcome -> {
            if (fromPage) {
                redirect(context, Links.result(pageBase(context), outcome));
            } else if (outcome == PageOutcome.UNSUBSCRIBED) {
                context.response().putHeader(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=utf-8")
                        .end("You are unsubscribed.\n");
            } else {
                FunctionHttpGuard.answer(context, HttpAnswer.of(404, "unknown unsubscribe link"));
            }
        });
    }

    /**
     * Runs {@code work} here, on the request's event loop and Vert.x context (no thread hop, nothing waits), and
     * answers with {@code done}. Refusals a person can act on become result pages; the rest goes to the guard.
     */
    private void run(RoutingContext context, Supplier<Uni<PageOutcome>> work,
            Consumer<PageOutcome> done) {
        SaveEmailFunctions.onVertxContext(context.vertx(), work).subscribe().with(done, failure -> {
            PageOutcome page = pageFor(failure);
            if (page == null) {
                context.fail(failure);
            } else {
                redirect(context, Links.result(pageBase(context), page));
            }
        });
    }

    private static PageOutcome pageFor(Throwable failure) {
        if (FailureMapping.find(failure, InvalidSignupException.class) != null) {
            return PageOutcome.INVALID_EMAIL;
        }
        if (FailureMapping.find(failure, RateLimitedException.class) != null) {
            return PageOutcome.TOO_MANY;
        }
        return DatabaseFailures.isTransient(failure) ? PageOutcome.UNAVAILABLE : null;
    }

    /** The page origin the form came from, when it is one CORS allows; else the configured page URL. */
    private URI pageBase(RoutingContext context) {
        String origin = context.request().getHeader(HttpHeaderNames.ORIGIN);
        return origin != null && pageOrigins.contains(origin) ? URI.create(origin) : pageUrl;
    }

    private static void ifForm(RoutingContext context, BiConsumer<RoutingContext, MultiMap> handler) {
        String type = Optional.ofNullable(context.request().getHeader(HttpHeaderNames.CONTENT_TYPE)).orElse("")
                .split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (type.equals("application/x-www-form-urlencoded") || type.equals("multipart/form-data")) {
            handler.accept(context, context.request().formAttributes());
        } else {
            context.next();
        }
    }

    private static void redirect(RoutingContext context, URI location) {
        context.response().setStatusCode(HttpResponseStatus.SEE_OTHER.code())
                .putHeader(HttpHeaderNames.LOCATION, location.toString())
                .putHeader(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .end();
    }
}
