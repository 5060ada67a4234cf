package io.signup.renderhtml.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.signup.contract.LinkToken;
import io.signup.contract.Links;
import io.signup.contract.PageOutcome;
import io.signup.renderhtml.config.PageConfig;

/**
 * The pages of the signup flow. The signup page and the result pages depend only on configuration: they are rendered
 * once and served from the same bytes with the same ETag. The confirmation and unsubscribe pages carry the token of
 * the link that opened them, in a form whose button posts it to save-email-fn; opening them changes nothing (mail
 * scanners fetch links). Assets are named by a hash of their content, so they can be cached for a long time and still
 * change with each deployment.
 */
@Singleton
public class Pages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signup(String saveEmailUrl, String consentVersion, String stylesheet,
                String script);

        static native TemplateInstance confirm(String actionUrl, String token, String stylesheet);

        static native TemplateInstance unsubscribe(String actionUrl, String token, String stylesheet);

        static native TemplateInstance result(String outcome, String heading, String message, String link,
                String stylesheet);
    }

    /** A page rendered once, with its validator. */
    public record StaticPage(String html, String etag) {
        static StaticPage of(String html) {
            return new StaticPage(html, "\"" + sha256(html.getBytes(StandardCharsets.UTF_8)).substring(0, 16) + "\"");
        }
    }

    private static final String ASSETS = "META-INF/resources";
    private static final String SIGNUP_TEMPLATE = "templates/Pages/signup.html";

    private final StaticPage signup;
    private final Map<PageOutcome, StaticPage> results = new EnumMap<>(PageOutcome.class);
    private final String stylesheet;
    private final URI confirmAction;
    private final URI unsubscribeAction;
    private final String contentSecurityPolicy;

    public Pages(PageConfig config) {
        URI saveEmailUrl = config.saveEmailUrl();
        this.stylesheet = versioned("/assets/signup.css");
        this.confirmAction = saveEmailUrl.resolve(Links.CONFIRM_ACTION);
        this.unsubscribeAction = saveEmailUrl.resolve(Links.UNSUBSCRIBE_ACTION);
        // The page's own template is its consent text: its hash names the version a consent record refers to.
        this.signup = StaticPage.of(Templates.signup(saveEmailUrl.toString(), "page-" + hashOf(SIGNUP_TEMPLATE),
                stylesheet, versioned("/assets/signup.js")).render());
        for (PageOutcome outcome : PageOutcome.values()) {
            ResultText text = ResultText.of(outcome);
            results.put(outcome, StaticPage.of(Templates.result(outcome.slug(), text.heading(), text.message(),
                    text.link(), stylesheet).render()));
        }
        // Only our own assets; data goes only to save-email-fn, and a form post's redirect comes back here.
        this.contentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                + "connect-src " + origin(saveEmailUrl) + "; form-action " + origin(saveEmailUrl) + " 'self'; "
                + "base-uri 'none'; frame-ancestors 'none'";
    }

    public StaticPage signup() {
        return signup;
    }

    /** The result page for a slug, empty when there is no such page. */
    public Optional<StaticPage> result(String slug) {
        return PageOutcome.ofSlug(slug).map(results::get);
    }

    public StaticPage result(PageOutcome outcome) {
        return results.get(outcome);
    }

    /** The confirmation page for {@code token}, empty when it is not a token at all. */
    public Optional<String> confirm(String token) {
        return LinkToken.isWellFormed(token)
                ? Optional.of(Templates.confirm(confirmAction.toString(), token, stylesheet).render())
                : Optional.empty();
    }

    /** The unsubscribe page for {@code token}, empty when it is not a token at all. */
    public Optional<String> unsubscribe(String token) {
        return LinkToken.isWellFormed(token)
                ? Optional.of(Templates.unsubscribe(unsubscribeAction.toString(), token, stylesheet).render())
                : Optional.empty();
    }

    public String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    private static String versioned(String path) {
        return path + "?v=" + hashOf(ASSETS + path);
    }

    /** The first 12 hex digits of the SHA-256 of a classpath resource. */
    private static String hashOf(String resource) {
        try (InputStream in = Pages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource missing: " + resource);
            }
            return sha256(in.readAllBytes()).substring(0, 12);
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
