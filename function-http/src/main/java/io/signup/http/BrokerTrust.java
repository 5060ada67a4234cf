package io.signup.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * Whom a function trusts when it posts to the Broker over TLS (Knative's transport-encryption): the CA certificates
 * the SinkBinding gives it, as Knative gives them to every sender: the sink's own CA in {@code K_CA_CERTS}, and the
 * cluster's trust bundles (ConfigMaps labelled {@code networking.knative.dev/trust-bundle}) mounted at
 * {@code /knative-custom-certs}. Read when a client is made, so at start: a rotated CA reaches a function with its next
 * pod (a new {@code K_CA_CERTS} makes a new Revision); cert-manager's Knative issuers keep the old CA in the bundle
 * while the new one rolls out. With neither, the JVM's default trust applies (plain HTTP in development).
 */
@ApplicationScoped
public class BrokerTrust {

    /** {@code signup.broker-trust.*}: SIGNUP_BROKER_TRUST_CA_CERTS (K_CA_CERTS), ..._BUNDLES. */
    @ConfigMapping(prefix = "signup.broker-trust")
    public interface Config {
        /** PEM certificates of the sink's CA; the SinkBinding's K_CA_CERTS. */
        Optional<String> caCerts();

        /** Where Knative mounts the trust bundles; every {@code *.pem} in it is trusted. */
        @WithDefault("/knative-custom-certs")
        Path bundles();
    }

    private final Optional<PemTrustOptions> trust;

    public BrokerTrust(Config config) {
        PemTrustOptions pem = new PemTrustOptions();
        config.caCerts().filter(certs -> !certs.isBlank()).ifPresent(certs -> pem.addCertValue(Buffer.buffer(certs)));
        bundleFiles(config.bundles()).forEach(file -> pem.addCertPath(file.toString()));
        boolean none = pem.getCertValues().isEmpty() && pem.getCertPaths().isEmpty();
        this.trust = none ? Optional.empty() : Optional.of(pem);
        trust.ifPresent(found -> Log.infof("Broker TLS trusts %d CA certificate source(s) from the SinkBinding",
                found.getCertValues().size() + found.getCertPaths().size()));
    }

    /** {@code options} trusting the Broker's CA, when the SinkBinding gave one. */
    public <T extends HttpClientOptions> T apply(T options) {
        trust.ifPresent(options::setTrustOptions);
        return options;
    }

    private static List<Path> bundleFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".pem")).sorted().toList();
        } catch (IOException e) {
            Log.warnf("Trust bundles at %s unreadable: %s", directory, e.getMessage());
            return List.of();
        }
    }
}
