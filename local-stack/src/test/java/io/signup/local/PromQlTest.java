package io.signup.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsTheMetricsAndNothingElse() {
        assertEquals(Set.of("http_server_requests_seconds_count"), PromQl.metricNames("""
                sum by (namespace, function) (rate(http_server_requests_seconds_count{status=~"5..", uri!="/q/{x}"}[5m]))
                  / on (function) group_left sum without (status) (rate(http_server_requests_seconds_count[5m])) > 1e-3
                """));
        assertEquals(Set.of("function_cold_start_seconds", "up"), PromQl.metricNames(
                "quantile by (function) (0.5, function_cold_start_seconds unless function_cold_start_seconds "
                        + "offset 30m) > 1 and on() up == bool 1"));
        assertEquals(Set.of("dead_letters_waiting"),
                PromQl.metricNames("last_over_time(max by (namespace) (dead_letters_waiting)[1h:1m]) > 0"));
        assertEquals(Set.of("function_cold_start_seconds"), PromQl.metricNames("count(function_cold_start_seconds"
                + "{function=\"$function\"} unless function_cold_start_seconds offset $__interval) / ${scale}"));
        assertEquals(Set.of("a:recorded:rate5m", "b"), PromQl.metricNames("label_replace(a:recorded:rate5m, \"x\", "
                + "\"$1\", \"y\", \"(.*)\") + b"));
    }
}
