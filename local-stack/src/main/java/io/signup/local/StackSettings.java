package io.signup.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.signup.peers.LocalFunction;

/** Where each part listens, and where data and logs go. Every port can be changed by an environment variable. */
public record StackSettings(Path root, Path runDirectory, int pagePort, int savePort, int sendPort, int brokerPort,
        int smtpPort, int inboxPort, int postgresPort, int issuerPort) {

    static StackSettings fromEnvironment(Path root) {
        return new StackSettings(root, Path.of(env("RUN_DIR", root.resolve(".run").toString())),
                LocalFunction.RENDER_HTML.port(), LocalFunction.SAVE_EMAIL.port(), LocalFunction.SEND_EMAIL.port(),
                port("BROKER_PORT", 8090), port("SMTP_PORT", 1025), port("INBOX_PORT", 8025),
                port("POSTGRES_PORT", 5433), port("ISSUER_PORT", 8091));
    }

    Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put(label(LocalFunction.RENDER_HTML), pagePort);
        ports.put(label(LocalFunction.SAVE_EMAIL), savePort);
        ports.put(label(LocalFunction.SEND_EMAIL), sendPort);
        ports.put("BROKER_PORT (local Broker)", brokerPort);
        ports.put("SMTP_PORT (SMTP server)", smtpPort);
        ports.put("INBOX_PORT (inbox page)", inboxPort);
        ports.put("POSTGRES_PORT (Postgres)", postgresPort);
        ports.put("ISSUER_PORT (service-account issuer)", issuerPort);
        return ports;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String label(LocalFunction function) {
        return function.portVariable() + " (" + function.module() + ")";
    }

    private static int port(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }
}
