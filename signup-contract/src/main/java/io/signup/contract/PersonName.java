package io.signup.contract;

/** The optional name a person gives with a signup: only plain text of bounded length, because it ends up in a mail. */
public final class PersonName {

    /** Longest name we accept and put in a mail body. */
    public static final int MAX_LENGTH = 100;

    private PersonName() {
    }

    /**
     * The name, trimmed ({@code null} when blank).
     *
     * @throws InvalidSignupException when it is too long or holds control characters
     */
    public static String normalize(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String name = raw.strip();
        if (name.length() > MAX_LENGTH) {
            throw new InvalidSignupException(InvalidSignupException.Reason.NAME_INVALID,
                    "name must be at most " + MAX_LENGTH + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSignupException(InvalidSignupException.Reason.NAME_INVALID,
                    "name must not contain control characters");
        }
        return name;
    }
}
