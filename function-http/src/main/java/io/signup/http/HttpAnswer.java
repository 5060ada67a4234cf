package io.signup.http;

/**
 * What a function answers for a failure: a status and a short message safe to show to the caller.
 *
 * @param status            HTTP status
 * @param message           one sentence, no internals
 * @param retryAfterSeconds for 503: when to try again; 0 for none
 */
public record HttpAnswer(int status, String message, int retryAfterSeconds) {

    public static HttpAnswer of(int status, String message) {
        return new HttpAnswer(status, message, 0);
    }
}
