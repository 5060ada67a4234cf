package io.signup.saveemail.function;

/**
 * What the signup form posts (as JSON from its script, or form-encoded without it). Unknown fields are ignored, so
 * the page can evolve first.
 *
 * @param email          the address as typed
 * @param name           optional
 * @param website        the page's honeypot field: hidden from people, so only a bot fills it
 * @param consentVersion the version of the page and its consent text, for the consent record
 */
public record SignupRequest(String email, String name, String website, String consentVersion) {

    static final SignupRequest EMPTY = new SignupRequest(null, null, null, null);
}
