package io.signup.local;

import java.util.Map;

/**
 * What a test or a load run changes on top of the stack's own settings.
 *
 * @param environments per function, variables on top of the stack's (e.g. the abuse limits a load test raises)
 * @param brokerRetry  the local Broker's retries instead of knative/'s ({@code null}: as knative/ says)
 * @param brokerBackoffDelay its backoff delay instead of knative/'s, ISO-8601 ({@code null}: as knative/ says)
 * @param pingSchedule the PingSources' schedule instead of knative/'s ({@code null}: as knative/ says)
 */
public record StackOverrides(Map<String, Map<String, String>> environments, Integer brokerRetry,
        String brokerBackoffDelay, String pingSchedule) {

    public static final StackOverrides NONE = new StackOverrides(Map.of(), null, null, null);

    /**
     * make run: BROKER_RETRY and BROKER_BACKOFF_DELAY shorten the local Broker's retries, PING_SCHEDULE the
     * outbox republish schedule (e.g. '* * * * *'), by configuration.
     */
    static StackOverrides fromEnvironment() {
        String retry = System.getenv("BROKER_RETRY");
        return new StackOverrides(Map.of(), retry == null || retry.isBlank() ? null : Integer.valueOf(retry),
                System.getenv("BROKER_BACKOFF_DELAY"), System.getenv("PING_SCHEDULE"));
    }
}
