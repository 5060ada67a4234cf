package io.signup.renderhtml.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.inject.Singleton;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.signup.renderhtml.config.PageConfig;

/**
 * The signup page, rendered once: it depends only on configuration, so every request is served from the same bytes
 * with the same ETag. Assets are named by a hash of their content, so they can be cached for a long time and still
 * change with each deployment.
 */
@Singleton
public class SignupPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signup(String saveEmailUrl, String stylesheet, String script);
    }

    private static final String ASSETS = "META-INF/resources";

    private final String html;
    private final String etag;
    private final String contentSecurityPolicy;

    public SignupPage(PageConfig config) {
        URI saveEmailUrl = config.saveEmailUrl();
        this.html = Templates.signup(saveEmailUrl.toString(),
                versioned("/assets/signup.css"), versioned("/assets/signup.js")).render();
        this.etag = "\"" + sha256(html.getBytes(StandardCharsets.UTF_8)).substring(0, 16) + "\"";
        // Only our own assets, and only save-email-fn as a place to send data.
        this.contentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                + "connect-src " + origin(saveEmailUrl) + "; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
    }

    public String html() {
        return html;
    }

    public String etag() {
        return etag;
    }

    public String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    private static String versioned(String path) {
        try (InputStream in = SignupPage.class.getClassLoader().getResourceAsStream(ASSETS + path)) {
            if (in == null) {
                throw new IllegalStateException("asset missing: " + path);
            }
            return path + "?v=" + sha256(in.readAllBytes()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String origin(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
