package io.signup.saveemail.report;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.signup.saveemail.config.SaveEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Amazon SNS messages, believed only once their signature verifies against the signing certificate SNS names: the
 * certificate's URL must be https on an SNS host ({@code signup.reports.ses.cert-host}), the topic one we subscribed
 * ({@code signup.reports.ses.topic-arns}), and the signature (version 1: SHA1withRSA, version 2: SHA256withRSA) must
 * match the canonical string AWS documents for the message's type. Certificates are fetched once per URL and kept
 * while valid. A subscription is confirmed by fetching its SubscribeURL, after the same checks.
 */
@ApplicationScoped
public class SnsMessages {

    public static final String NOTIFICATION = "Notification";
    public static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    private static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";
    /** The fields each type signs, in the order AWS documents. Subject only when present. */
    private static final List<String> NOTIFICATION_FIELDS = List.of("Message", "MessageId", "Subject", "Timestamp",
            "TopicArn", "Type");
    private static final List<String> CONFIRMATION_FIELDS = List.of("Message", "MessageId", "SubscribeURL",
            "Timestamp", "Token", "TopicArn", "Type");
    private static final Map<String, String> ALGORITHMS = Map.of("1", "SHA1withRSA", "2", "SHA256withRSA");
    /** SNS uses a handful of certificates at a time; more distinct URLs than this are not SNS's. */
    private static final int CERTIFICATES_KEPT = 16;

    private final WebClient client;
    private final Pattern certHost;
    private final List<String> topics;
    private final long timeoutMillis;
    private final Map<String, X509Certificate> certificates = new ConcurrentHashMap<>();

    public SnsMessages(Vertx vertx, SaveEmailConfig config) {
        SaveEmailConfig.Ses ses = config.reports().ses();
        this.certHost = Pattern.compile(ses.certHost());
        this.topics = ses.topicArns().orElse(List.of());
        this.timeoutMillis = ses.fetchTimeout().toMillis();
        WebClientOptions options = new WebClientOptions().setConnectTimeout((int) timeoutMillis)
                .setFollowRedirects(false).setVerifyHost(true);
        ses.trustStore().ifPresent(path -> options.setTrustOptions(new PfxOptions().setPath(path)
                .setPassword(ses.trustStorePassword().orElse(""))));
        this.client = WebClient.create(vertx, options);
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Whether a topic is configured: without one, no SNS message is believed, and the intake is off. */
    public boolean enabled() {
        return !topics.isEmpty();
    }

    /**
     * The message, once verified.
     *
     * @throws ReportRefused (as the Uni's failure) 400 for a message that is not SNS's shape, 403 for one whose
     *                       topic, certificate URL or signature is not believed
     */
    public Uni<JsonObject> verified(JsonObject message) {
        String type = text(message, "Type");
        List<String> fields = switch (type) {
            case NOTIFICATION -> NOTIFICATION_FIELDS;
            case SUBSCRIPTION_CONFIRMATION, UNSUBSCRIBE_CONFIRMATION -> CONFIRMATION_FIELDS;
            default -> throw new ReportRefused(400, "unknown SNS message type");
        };
        String algorithm = ALGORITHMS.get(text(message, "SignatureVersion"));
        if (algorithm == null) {
            throw new ReportRefused(403, "unsupported SNS SignatureVersion");
        }
        if (!topics.contains(text(message, "TopicArn"))) {
            throw new ReportRefused(403, "not a topic this intake subscribed to");
        }
        URI certUrl = snsUrl(text(message, "SigningCertURL"));
        byte[] signature = decode(text(message, "Signature"));
        byte[] signed = canonical(message, fields).getBytes(StandardCharsets.UTF_8);
        return certificate(certUrl).map(certificate -> {
            if (!verifies(certificate, algorithm, signed, signature)) {
                throw new ReportRefused(403, "SNS signature does not verify");
            }
            return message;
        });
    }

    /** Confirms the subscription a verified SubscriptionConfirmation asks for. */
    public Uni<Void> confirm(JsonObject confirmation) {
        return get(snsUrl(text(confirmation, "SubscribeURL"))).map(response -> {
            if (response.statusCode() / 100 != 2) {
                throw new ReportRefused(503, "SNS answered " + response.statusCode() + " to the SubscribeURL");
            }
            Log.infof("SNS subscription to %s confirmed", text(confirmation, "TopicArn"));
            return null;
        });
    }

    /** A GET of an SNS URL; not reaching SNS is worth a resend (503). */
    private Uni<HttpResponse<Buffer>> get(URI url) {
        return Uni.createFrom().completionStage(() -> client.getAbs(url.toString()).timeout(timeoutMillis).send()
                        .toCompletionStage())
                .onFailure().transform(e -> {
                    Log.warnf("SNS not reachable at %s: %s", url.getHost(), e.toString());
                    return new ReportRefused(503, "SNS not reachable, try again");
                });
    }

    /** Field name and value, each followed by a newline, for every field the type signs (AWS's canonical string). */
    static String canonical(JsonObject message, List<String> fields) {
        StringBuilder canonical = new StringBuilder();
        for (String field : fields) {
            String value = message.getValue(field) instanceof String text ? text : null;
            if (value == null && field.equals("Subject")) {
                continue;
            }
            canonical.append(field).append('\n').append(text(message, field)).append('\n');
        }
        return canonical.toString();
    }

    private Uni<X509Certificate> certificate(URI url) {
        X509Certificate known = certificates.get(url.toString());
        if (known != null && known.getNotAfter().getTime() > System.currentTimeMillis()) {
            return Uni.createFrom().item(known);
        }
        return get(url).map(response -> {
            if (response.statusCode() != 200) {
                throw new ReportRefused(503, "signing certificate answered " + response.statusCode());
            }
            X509Certificate certificate = parse(response.bodyAsBuffer().getBytes());
            if (certificates.size() >= CERTIFICATES_KEPT) {
                certificates.clear();
            }
            certificates.put(url.toString(), certificate);
            return certificate;
        });
    }

    private static X509Certificate parse(byte[] pem) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem));
            certificate.checkValidity();
            return certificate;
        } catch (GeneralSecurityException e) {
            throw new ReportRefused(403, "SNS signing certificate is not valid");
        }
    }

    private static boolean verifies(X509Certificate certificate, String algorithm, byte[] signed, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A URL SNS may name: https, on an SNS host, nothing else (so a forged message cannot make us fetch anything). */
    private URI snsUrl(String url) {
        try {
            URI uri = URI.create(url);
            if ("https".equals(uri.getScheme()) && uri.getHost() != null
                    && certHost.matcher(uri.getHost().toLowerCase(Locale.ROOT)).matches() && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // Not a URL at all: refused below like any other.
        }
        throw new ReportRefused(403, "SNS URL is not on an SNS host");
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ReportRefused(403, "SNS signature is not base64");
        }
    }

    public static String text(JsonObject message, String field) {
        if (message.getValue(field) instanceof String text) {
            return text;
        }
        throw new ReportRefused(400, "SNS message without " + field);
    }
}
