package io.signup.renderhtml.page;

import io.signup.contract.PageOutcome;

/**
 * What each result page says: only what really happened, and what the person can do next. The signup result is the
 * same whatever the address's state, so the page tells nobody who is subscribed.
 */
record ResultText(String heading, String message, String link) {

    private static final String BACK = "Back to the signup page";

    static ResultText of(PageOutcome outcome) {
        return switch (outcome) {
            case SIGNED_UP -> new ResultText("Check your inbox",
                    "If this address can receive our news, a mail with a confirmation link is on its way. You are"
                            + " subscribed only once you press the button behind that link.", BACK);
            case INVALID_EMAIL -> new ResultText("That address does not look right",
                    "Please check it and try again: one @, a domain with a dot, no spaces.", "Try again");
            case TOO_MANY -> new ResultText("Too many signups",
                    "We received too many signups from here or for this address. Please try again later.", BACK);
            case UNAVAILABLE -> new ResultText("Please try again",
                    "We could not save your signup just now. Nothing was stored; please try again in a moment.",
                    "Try again");
            case CONFIRMED -> new ResultText("You are subscribed",
                    "Thank you for confirming. A welcome mail is on its way; every mail we send has a one-click"
                            + " unsubscribe link.", BACK);
            case ALREADY_CONFIRMED -> new ResultText("Already confirmed",
                    "This link was used before: the subscription is confirmed. There is nothing else to do.", BACK);
            case EXPIRED -> new ResultText("This link has expired",
                    "Confirmation links work for a limited time. Sign up again and we will send you a new one.",
                    "Sign up again");
            case INVALID_LINK -> new ResultText("This link is not valid",
                    "It may be incomplete, or replaced by a newer link. Nothing was changed.", BACK);
            case UNSUBSCRIBED -> new ResultText("You are unsubscribed",
                    "We will not write to you again. Changed your mind? You can sign up again at any time.", BACK);
        };
    }
}
