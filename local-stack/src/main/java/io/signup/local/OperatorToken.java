package io.signup.local;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import io.signup.contract.Senders;

/**
 * An operator's token from the issuer of a running {@code make run} stack, as {@code kubectl create token
 * signup-operator --audience ...} gives one on the cluster: {@code make event} calls send-email-fn with it (the
 * Makefile's other maintenance commands ask the issuer with curl).
 */
final class OperatorToken {

    private OperatorToken() {
    }

    /** {@code Bearer <token>} for calling {@code function}. */
    static String bearer(StackSettings settings, String function) throws IOException, InterruptedException {
        URI url = URI.create("http://localhost:" + settings.issuerPort() + LocalStack.TOKEN_PATH + "/"
                + Senders.OPERATOR_ACCOUNT + "?audience=" + URLEncoder.encode(Senders.audience(function),
                        StandardCharsets.UTF_8));
        HttpResponse<String> token = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IOException("the local issuer answered " + token.statusCode());
        }
        return "Bearer " + token.body().strip();
    }
}
