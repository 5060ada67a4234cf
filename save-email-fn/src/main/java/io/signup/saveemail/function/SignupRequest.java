package io.signup.saveemail.function;

/**
 * What the signup form posts. Unknown fields are ignored, so the page can evolve first.
 *
 * @param email the address as typed
 * @param name  optional
 */
public record SignupRequest(String email, String name) {
}
