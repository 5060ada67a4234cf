package io.signup.renderhtml.rest;

import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.signup.contract.Links;
import io.signup.contract.PageOutcome;
import io.signup.renderhtml.config.PageConfig;
import io.signup.renderhtml.page.Pages;
import io.signup.renderhtml.page.Pages.StaticPage;

/**
 * The pages: {@code GET /} (the signup form), the pages our mails link to ({@value Links#CONFIRM_PAGE},
 * {@value Links#UNSUBSCRIBE_PAGE}, whose buttons post to save-email-fn) and the result pages save-email-fn redirects
 * to ({@code /done/<outcome>}). Static pages are cacheable and revalidated by ETag; pages holding a token are never
 * stored and never leak it in a Referer.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class PageResource {

    private final Pages pages;
    private final String cacheControl;
    private final Counter served;
    private final Counter revalidated;

    public PageResource(Pages pages, PageConfig config, MeterRegistry metrics) {
        this.pages = pages;
        this.cacheControl = "public, max-age=" + config.maxAge().toSeconds();
        // signup_pages_total{status="200|304"}: pages sent, and conditional requests answered from the browser cache
        this.served = metrics.counter("signup.pages", "status", "200");
        this.revalidated = metrics.counter("signup.pages", "status", "304");
    }

    @GET
    public Response signup(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return cached(pages.signup(), ifNoneMatch, true);
    }

    @GET
    @Path("done/{outcome}")
    public Response result(@PathParam("outcome") String outcome, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        Optional<StaticPage> page = pages.result(outcome);
        return page.isPresent() ? cached(page.get(), ifNoneMatch, false) : invalidLink();
    }

    @GET
    @Path("confirm")
    public Response confirm(@QueryParam(Links.TOKEN) String token) {
        return pages.confirm(token).map(this::uncached).orElseGet(this::invalidLink);
    }

    @GET
    @Path("unsubscribe")
    public Response unsubscribe(@QueryParam(Links.TOKEN) String token) {
        return pages.unsubscribe(token).map(this::uncached).orElseGet(this::invalidLink);
    }

    private Response cached(StaticPage page, String ifNoneMatch, boolean count) {
        boolean unchanged = page.etag().equals(ifNoneMatch);
        if (count) {
            (unchanged ? revalidated : served).increment();
        }
        Response.ResponseBuilder response = unchanged ? Response.notModified() : Response.ok(page.html());
        return secured(response.header(HttpHeaders.ETAG, page.etag()).header(HttpHeaders.CACHE_CONTROL, cacheControl));
    }

    /** A page holding a link's token: kept by no cache. */
    private Response uncached(String html) {
        return secured(Response.ok(html).header(HttpHeaders.CACHE_CONTROL, "no-store"));
    }

    private Response invalidLink() {
        return secured(Response.status(Response.Status.NOT_FOUND).entity(pages.result(PageOutcome.INVALID_LINK).html())
                .header(HttpHeaders.CACHE_CONTROL, "no-store"));
    }

    private Response secured(Response.ResponseBuilder response) {
        return response
                .header("Content-Security-Policy", pages.contentSecurityPolicy())
                .header("X-Content-Type-Options", "nosniff")
                // Never a path or query (a token) in a Referer; but the origin, which form posts need: with
                // no-referrer a browser sends "Origin: null", and save-email-fn's CORS check refuses the post.
                .header("Referrer-Policy", "strict-origin")
                .build();
    }
}
