package io.signup.saveemail;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.peers.Addresses;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * With Knative's transport-encryption the Broker's address is HTTPS, signed by the cluster's CA, which the
 * SinkBinding hands over in {@code K_CA_CERTS}: the broker client trusts exactly that. Here a real HTTPS Broker stand-in
 * with a certificate of its own CA (made by the JDK's keytool), unknown to the JVM's default trust: the events reach
 * it only because the function trusts the PEM it was given.
 */
@QuarkusTest
@WithTestResource(BrokerTlsTest.HttpsBroker.class)
class BrokerTlsTest {

    /** What the HTTPS stand-in received, one body per event. */
    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    public static class HttpsBroker extends SaveEmailTestEnvironment {

        private HttpsServer server;

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new java.util.HashMap<>(super.start());
            try {
                Path folder = Files.createTempDirectory("broker-tls");
                Path keyStore = folder.resolve("broker.p12");
                keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-keystore", keyStore.toString(),
                        "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
                Path pem = folder.resolve("ca.pem");
                keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass",
                        "changeit", "-file", pem.toString());
                server = HttpsServer.create(new InetSocketAddress("localhost", 0), 0);
                server.setHttpsConfigurator(new HttpsConfigurator(context(keyStore)));
                server.createContext("/", exchange -> {
                    RECEIVED.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                    exchange.sendResponseHeaders(202, -1);
                    exchange.close();
                });
                server.start();
                config.put("signup.broker.url", "https://localhost:" + server.getAddress().getPort() + "/");
                config.put("signup.broker-trust.ca-certs", Files.readString(pem));
            } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            return config;
        }

        @Override
        public void stop() {
            server.stop(0);
            super.stop();
        }

        private static SSLContext context(Path keyStore) throws IOException, java.security.GeneralSecurityException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, "changeit".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        }

        private static void keytool(String... args) throws IOException, InterruptedException {
            List<String> command = new java.util.ArrayList<>(
                    List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new UncheckedIOException(new IOException("keytool failed: " + output));
            }
        }
    }

    @Test
    void eventsReachAnHttpsBrokerSignedByTheCaTheSinkBindingGave() {
        String email = Addresses.unique("tls");
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/saveEmail").then().statusCode(200);

        // Published over TLS at once; without that trust the handshake fails and the event waits in the outbox.
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVED.stream().anyMatch(body -> body.contains(email)));
    }
}
