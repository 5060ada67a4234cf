package io.signup.renderhtml.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.signup.renderhtml.config.PageConfig;
import io.signup.renderhtml.page.SignupPage;

/** {@code GET /}: the signup page, cacheable and revalidated by ETag. */
@Path("/")
public class SignupPageResource {

    private final SignupPage page;
    private final String cacheControl;
    private final Counter served;
    private final Counter revalidated;

    public SignupPageResource(SignupPage page, PageConfig config, MeterRegistry metrics) {
        this.page = page;
        this.cacheControl = "public, max-age=" + config.maxAge().toSeconds();
        // signup_pages_total{status="200|304"}: pages sent, and conditional requests answered from the browser cache
        this.served = metrics.counter("signup.pages", "status", "200");
        this.revalidated = metrics.counter("signup.pages", "status", "304");
    }

    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public Response page(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        boolean unchanged = page.etag().equals(ifNoneMatch);
        (unchanged ? revalidated : served).increment();
        Response.ResponseBuilder response = unchanged ? Response.notModified() : Response.ok(page.html());
        return response
                .header(HttpHeaders.ETAG, page.etag())
                .header(HttpHeaders.CACHE_CONTROL, cacheControl)
                .header("Content-Security-Policy", page.contentSecurityPolicy())
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}
