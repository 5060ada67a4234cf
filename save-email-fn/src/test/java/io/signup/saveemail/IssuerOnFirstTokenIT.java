package io.signup.saveemail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.signup.contract.Senders;
import io.signup.peers.Addresses;
import io.signup.peers.FunctionProcess;
import io.signup.peers.LocalIssuer;
import io.signup.peers.RecordingSink;
import io.signup.peers.TestDatabase;

/**
 * The packaged function (or native executable) does not wait for the token issuer to start: a signup carries no
 * token and is answered without the issuer being asked anything; the first token that needs verifying connects it
 * (SendersTenant).
 */
class IssuerOnFirstTokenIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theIssuerIsAskedOnlyWhenATokenArrives() throws Exception {
        TestDatabase database = new TestDatabase();
        database.start();
        RecordingSink broker = new RecordingSink();
        broker.start();
        LocalIssuer issuer = new LocalIssuer().start();
        try {
            Map<String, String> env = new HashMap<>(FunctionProcess.saveEmailEnvironment(database, broker.url(),
                    List.of("http://localhost:8080")));
            env.put("QUARKUS_OIDC_AUTH_SERVER_URL", issuer.url());
            try (FunctionProcess function = FunctionProcess.start(FunctionProcess.projectRoot(), "save-email-fn", env,
                    Path.of("target", "issuer-on-first-token-it"))) {
                HttpResponse<String> signup = HTTP.send(HttpRequest.newBuilder(URI.create(function.url() + "/saveEmail"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"" + Addresses.unique("lazy") + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, signup.statusCode(), signup.body());
                assertEquals(0, issuer.publishedReads(), "started and signed up without asking the issuer");

                HttpResponse<String> ping = HTTP.send(HttpRequest.newBuilder(URI.create(function.url()
                        + "/republishOutbox")).header("Content-Type", "application/json")
                        .header("Authorization", issuer.bearer(Senders.pingSource("republish-outbox"),
                                Senders.audience("save-email-fn")))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(204, ping.statusCode(), ping.body());
                assertTrue(issuer.publishedReads() >= 2, "the first token read the discovery document and keys");
            }
        } finally {
            issuer.stop();
            broker.stop();
            database.stop();
        }
    }
}
