package io.signup.saveemail.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.vertx.core.json.JsonObject;

/**
 * Amazon SNS as our SES intake meets it, made on this machine: a key pair and a self-signed certificate for
 * {@code localhost} made with the JDK's keytool at test time, a local HTTPS server that serves the certificate (as
 * SNS serves its SigningCertURL) and records the SubscribeURL fetches, and SNS messages signed with the key the way
 * AWS documents it. The function trusts the certificate through {@code signup.reports.ses.trust-store}, and accepts
 * SNS URLs on {@code localhost}: the production code path, with a local host and trust.
 */
public final class SnsPeer {

    public static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:signup-reports";
    private static final String PASSWORD = "sns-peer";

    private final List<String> confirmations = new CopyOnWriteArrayList<>();
    private Path keyStore;
    private PrivateKey key;
    private HttpsServer server;

    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            keyStore = Files.createTempDirectory("sns-peer").resolve("sns.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "sns", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
                    "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, PASSWORD.toCharArray());
            }
            key = (PrivateKey) store.getKey("sns", PASSWORD.toCharArray());
            X509Certificate certificate = (X509Certificate) store.getCertificate("sns");
            byte[] pem = ("-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.createContext("/SimpleNotificationService-test.pem", exchange -> answer(exchange, 200, pem));
            server.createContext("/confirm", exchange -> {
                confirmations.add(exchange.getRequestURI().getQuery());
                answer(exchange, 200, "<ConfirmSubscriptionResponse/>".getBytes(StandardCharsets.UTF_8));
            });
            server.start();
        } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("SNS peer not started", e);
        }
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public Map<String, String> config() {
        return Map.of("signup.reports.ses.topic-arns", TOPIC,
                "signup.reports.ses.cert-host", "localhost",
                "signup.reports.ses.trust-store", keyStore.toString(),
                "signup.reports.ses.trust-store-password", PASSWORD);
    }

    public String base() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    public String certUrl() {
        return base() + "/SimpleNotificationService-test.pem";
    }

    /** The query strings of the SubscribeURL fetches so far. */
    public List<String> confirmations() {
        return List.copyOf(confirmations);
    }

    /** A Notification carrying {@code message}, signed with signature version {@code version} (1 or 2). */
    public JsonObject notification(String message, String version) {
        JsonObject notification = new JsonObject().put("Type", "Notification")
                .put("MessageId", UUID.randomUUID().toString()).put("TopicArn", TOPIC)
                .put("Subject", "Amazon SES Email Event Notification").put("Message", message)
                .put("Timestamp", Instant.now().toString()).put("SignatureVersion", version)
                .put("SigningCertURL", certUrl());
        // AWS's canonical string for a Notification: these fields, in this order, each "name\nvalue\n".
        return signed(notification, "Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type");
    }

    /** A SubscriptionConfirmation whose SubscribeURL is this peer's {@code /confirm}. */
    public JsonObject subscriptionConfirmation(String token) {
        JsonObject confirmation = new JsonObject().put("Type", "SubscriptionConfirmation")
                .put("MessageId", UUID.randomUUID().toString()).put("Token", token).put("TopicArn", TOPIC)
                .put("Message", "You have chosen to subscribe to the topic " + TOPIC)
                .put("SubscribeURL", base() + "/confirm?Action=ConfirmSubscription&Token=" + token)
                .put("Timestamp", Instant.now().toString()).put("SignatureVersion", "2")
                .put("SigningCertURL", certUrl());
        return signed(confirmation, "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
    }

    private JsonObject signed(JsonObject message, String... fields) {
        StringBuilder canonical = new StringBuilder();
        for (String field : fields) {
            canonical.append(field).append('\n').append(message.getString(field)).append('\n');
        }
        try {
            Signature signature = Signature.getInstance(
                    message.getString("SignatureVersion").equals("1") ? "SHA1withRSA" : "SHA256withRSA");
            signature.initSign(key);
            signature.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return message.put("Signature", Base64.getEncoder().encodeToString(signature.sign()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
