package io.signup.saveemail.function;

/**
 * What the signup form posts. Unknown fields are ignored, so the page can evolve first.
 *
 * @param email   the address as typed
 * @param name    optional
 * @param website the page's honeypot field: hidden from people, so only a bot fills it
 */
public record SignupRequest(String email, String name, String website) {
}
