package io.signup.saveemail;

/**
 * Who sent a request, as far as the platform tells: what a consent record keeps and what abuse limits count.
 *
 * @param address        the client address ({@code null} when unknown)
 * @param userAgent      the browser's User-Agent, shortened ({@code null} when absent)
 * @param consentVersion the version of the page and consent text the person saw ({@code null} when not sent)
 */
public record Requester(String address, String userAgent, String consentVersion) {

    public static final Requester UNKNOWN = new Requester(null, null, null);
}
