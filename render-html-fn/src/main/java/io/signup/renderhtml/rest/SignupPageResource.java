package io.signup.renderhtml.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.signup.renderhtml.config.PageConfig;
import io.signup.renderhtml.page.SignupPage;

/** {@code GET /}: the signup page, cacheable and revalidated by ETag. */
@Path("/")
public class SignupPageResource {

    private final SignupPage page;
    private final String cacheControl;

    public SignupPageResource(SignupPage page, PageConfig config) {
        this.page = page;
        this.cacheControl = "public, max-age=" + config.maxAge().toSeconds();
    }

    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public Response page(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        Response.ResponseBuilder response = page.etag().equals(ifNoneMatch)
                ? Response.notModified()
                : Response.ok(page.html());
        return response
                .header(HttpHeaders.ETAG, page.etag())
                .header(HttpHeaders.CACHE_CONTROL, cacheControl)
                .header("Content-Security-Policy", page.contentSecurityPolicy())
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}
