package io.signup.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A service-account issuer on this machine, as a cluster's API server is one: it publishes an OpenID discovery
 * document at {@code /.well-known/openid-configuration} and its public keys at {@code /openid/v1/jwks}, and mints
 * RS256 tokens ({@code iss}, {@code sub}, {@code aud}, {@code iat}, {@code nbf}, {@code exp}) as Kubernetes'
 * TokenRequest does for the service accounts Knative sends with. The functions verify them with the same Quarkus OIDC
 * configuration as on the cluster, pointed at {@link #url()}. Its key is made at start and lives only in memory; a
 * second key ({@link #foreign()}) signs as an issuer nobody trusts.
 */
public final class LocalIssuer {

    /** Kubernetes' default lifetime for a requested token. */
    public static final Duration LIFETIME = Duration.ofHours(1);

    private final RsaJsonWebKey key;
    private HttpServer server;
    private ExecutorService handlers;
    private final AtomicInteger published = new AtomicInteger();
    private String url;

    public LocalIssuer() {
        this.key = newKey();
    }

    private static RsaJsonWebKey newKey() {
        try {
            RsaJsonWebKey made = RsaJwkGenerator.generateJwk(2048);
            made.setKeyId(UUID.randomUUID().toString());
            made.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            made.setUse("sig");
            return made;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves the discovery document and keys on {@code port} (0: any free one) of the loopback address. */
    public synchronized LocalIssuer start(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        url = "http://127.0.0.1:" + server.getAddress().getPort();
        String discovery = "{\"issuer\":\"" + url + "\",\"jwks_uri\":\"" + url + "/openid/v1/jwks\","
                + "\"response_types_supported\":[\"id_token\"],\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
        String keys = new JsonWebKeySet(List.of(key)).toJson();
        server.createContext("/.well-known/openid-configuration", exchange -> {
            published.incrementAndGet();
            send(exchange, discovery);
        });
        server.createContext("/openid/v1/jwks", exchange -> {
            published.incrementAndGet();
            send(exchange, keys);
        });
        handlers = Executors.newFixedThreadPool(2);
        server.setExecutor(handlers);
        server.start();
        return this;
    }

    public LocalIssuer start() {
        return start(0);
    }

    /** How many times its discovery document or keys were read: what a verifier asked of it. */
    public int publishedReads() {
        return published.get();
    }

    /**
     * Also mints tokens at {@code POST <path>/<name>?audience=...}, of the subject {@code subjectOf} gives for the
     * name, as {@code kubectl create token <service account>} does for a cluster's administrator: {@code make run}
     * gives its operator's commands their token this way, and a developer calling a function by hand.
     */
    public LocalIssuer issuing(String path, UnaryOperator<String> subjectOf) {
        server.createContext(path + "/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring(path.length() + 1);
            String query = exchange.getRequestURI().getRawQuery();
            String audience = query == null || !query.startsWith("audience=") ? null
                    : URLDecoder.decode(query.substring("audience=".length()), StandardCharsets.UTF_8);
            if (!exchange.getRequestMethod().equals("POST") || name.isBlank() || audience == null
                    || audience.isBlank()) {
                exchange.sendResponseHeaders(400, -1);
                exchange.close();
                return;
            }
            send(exchange, token(subjectOf.apply(name), audience));
        });
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            handlers.shutdownNow();
            server = null;
        }
    }

    /** The issuer URL, {@code quarkus.oidc.auth-server-url} of the functions that trust it. */
    public String url() {
        return url;
    }

    /** The settings that make a function trust this issuer and accept tokens for {@code audience}. */
    public Map<String, String> config(String audience) {
        return Map.of("quarkus.oidc.auth-server-url", url(), "quarkus.oidc.token.audience", audience);
    }

    /** A token of {@code subject} for {@code audience}, valid for {@link #LIFETIME} from now. */
    public String token(String subject, String audience) {
        return token(subject, audience, Instant.now(), LIFETIME);
    }

    /** A token issued at {@code issuedAt}, valid for {@code lifetime}: in the past, an expired one. */
    public String token(String subject, String audience, Instant issuedAt, Duration lifetime) {
        return sign(key, url, subject, audience, issuedAt, lifetime);
    }

    /** {@code Bearer} and a fresh token, as an {@code Authorization} header value. */
    public String bearer(String subject, String audience) {
        return "Bearer " + token(subject, audience);
    }

    /** Whether {@code token} is one of this issuer's, for {@code audience} and unexpired; its subject, or null. */
    public String verifiedSubject(String token, String audience) {
        try {
            return new JwtConsumerBuilder().setExpectedIssuer(url).setExpectedAudience(audience)
                    .setVerificationKey(key.getPublicKey()).setRequireExpirationTime().setRequireSubject()
                    .build().processToClaims(token).getSubject();
        } catch (InvalidJwtException | org.jose4j.jwt.MalformedClaimException e) {
            return null;
        }
    }

    /** An issuer with a key of its own that names itself as this one: what a forger who knows the URL can make. */
    public Forger foreign() {
        RsaJsonWebKey forged = newKey();
        // Under the published key's id, so the receiver tries the real key and the signature fails.
        forged.setKeyId(key.getKeyId());
        return new Forger(forged);
    }

    /** Signs tokens that claim to be this issuer's, with a key it never published. */
    public final class Forger {
        private final RsaJsonWebKey forgedKey;

        private Forger(RsaJsonWebKey forgedKey) {
            this.forgedKey = forgedKey;
        }

        public String token(String subject, String audience) {
            return sign(forgedKey, url, subject, audience, Instant.now(), LIFETIME);
        }
    }

    private static String sign(RsaJsonWebKey signer, String issuer, String subject, String audience, Instant issuedAt,
            Duration lifetime) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setAudience(audience);
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setNotBefore(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(issuedAt.plus(lifetime).getEpochSecond()));
        claims.setJwtId(UUID.randomUUID().toString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signer.getPrivateKey());
        jws.setKeyIdHeaderValue(signer.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", text.startsWith("{") ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
