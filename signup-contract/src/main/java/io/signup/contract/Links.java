package io.signup.contract;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The paths the three functions link to each other by. Mails link to pages of render-html-fn; those pages post to
 * save-email-fn, which answers with a redirect to a result page of render-html-fn.
 */
public final class Links {

    /** render-html-fn: the page with the confirmation button ({@code ?token=}). A GET changes nothing. */
    public static final String CONFIRM_PAGE = "/confirm";
    /** render-html-fn: the page with the unsubscribe button ({@code ?token=}). A GET changes nothing. */
    public static final String UNSUBSCRIBE_PAGE = "/unsubscribe";
    /** render-html-fn: result pages, {@code /done/<outcome>}. */
    public static final String RESULT_PAGES = "/done/";

    /** save-email-fn: the confirmation button posts here (form field {@code token}). */
    public static final String CONFIRM_ACTION = "/confirm";
    /**
     * save-email-fn: the RFC 8058 one-click target ({@code ?token=}), named in {@code List-Unsubscribe}; the unsubscribe
     * page's button posts here too.
     */
    public static final String UNSUBSCRIBE_ACTION = "/unsubscribe";
    /** The body an RFC 8058 one-click POST carries, and the page's button sends too. */
    public static final String ONE_CLICK_FIELD = "List-Unsubscribe";
    public static final String ONE_CLICK_VALUE = "One-Click";
    public static final String TOKEN = "token";

    private Links() {
    }

    /** {@code base} + {@code path} + {@code ?token=...}; base is a public URL without a trailing slash or with one. */
    public static URI withToken(URI base, String path, String token) {
        String root = base.toString().replaceAll("/+$", "");
        return URI.create(root + path + "?" + TOKEN + "=" + URLEncoder.encode(token, StandardCharsets.US_ASCII));
    }

    /** What save-email-fn tells the browser after a form post: the result page for {@code outcome}. */
    public static URI result(URI pageBase, PageOutcome outcome) {
        return URI.create(pageBase.toString().replaceAll("/+$", "") + RESULT_PAGES + outcome.slug());
    }
}
