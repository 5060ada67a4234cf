package io.signup.http;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;

/**
 * JSON as RFC 8259 has it, and nothing a lenient reader lets through: exactly one value with nothing after it (an
 * address stored from {@code {"email":"a@example.com"} garbage} would be read from a body the sender did not mean),
 * each key once in an object (which of two {@code "email"} keys wins is the reader's choice, not the sender's), no
 * comments. Jackson binds the first value and ignores what follows, and keeps the last of two keys; here the whole
 * input is read once, token by token, before anything binds it.
 */
public final class StrictJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(JsonReadFeature.ALLOW_YAML_COMMENTS)
            .build();
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");
    private static final String COMMENTS = "invalid JSON: comments are not allowed";

    private StrictJson() {
    }

    /** Why {@code json} is not strict JSON. */
    public static final class Invalid extends Exception {

        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Why the data of an event is not strict JSON, or null when it is, or is not JSON at all (its content type names
     * another media type; an absent one means JSON).
     */
    public static String dataProblem(String dataContentType, byte[] data) {
        if (data == null || (dataContentType != null && !dataContentType.toLowerCase(Locale.ROOT)
                .contains("json"))) {
            return null;
        }
        try {
            check(data);
            return null;
        } catch (Invalid invalid) {
            return invalid.getMessage();
        }
    }

    /** @throws Invalid with a short reason for the sender when {@code json} is not one strict JSON value */
    public static void check(byte[] json) throws Invalid {
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() == null) {
                throw new Invalid("invalid JSON: empty");
            }
            parser.skipChildren();
            afterTheValue(parser);
        } catch (JsonParseException e) {
            throw new Invalid(reason(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new Invalid("invalid JSON");
        }
    }

    /** Only white space may follow the value: anything else, a token or not, is too much. */
    private static void afterTheValue(JsonParser parser) throws IOException, Invalid {
        try {
            if (parser.nextToken() == null) {
                return;
            }
        } catch (JsonParseException notAToken) {
            if (notAToken.getOriginalMessage().contains("comment")) {
                throw new Invalid(COMMENTS);
            }
        }
        throw new Invalid("invalid JSON: content after the end of the value");
    }

    private static String reason(String message) {
        Matcher duplicate = DUPLICATE.matcher(message);
        if (duplicate.find()) {
            return "invalid JSON: duplicate key \"" + duplicate.group(1) + "\"";
        }
        if (message.contains("comment")) {
            return COMMENTS;
        }
        if (message.contains("end-of-input")) {
            return "invalid JSON: it ends before the value does";
        }
        return "invalid JSON: " + message.lines().findFirst().orElse("").replaceAll("\\s*\\(code \\d+\\)", "");
    }
}
