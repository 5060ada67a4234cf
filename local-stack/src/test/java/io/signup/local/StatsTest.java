package io.signup.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.signup.peers.PrometheusText;

class StatsTest {

    private static final String METRICS = """
            # TYPE http_server_requests_seconds histogram
            http_server_requests_seconds_bucket{method="POST",status="200",uri="/saveEmail",le="0.005"} 10.0
            http_server_requests_seconds_bucket{method="POST",status="200",uri="/saveEmail",le="0.01"} 60.0 # {span_id="b7ad6b7169203331",trace_id="0af7651916cd43dd8448eb211c80319c"} 0.007 1764052079.070
            http_server_requests_seconds_bucket{method="POST",status="200",uri="/saveEmail",le="0.1"} 98.0
            http_server_requests_seconds_bucket{method="POST",status="200",uri="/saveEmail",le="1.0"} 100.0
            http_server_requests_seconds_bucket{method="POST",status="200",uri="/saveEmail",le="+Inf"} 100.0
            http_server_requests_seconds_count{method="POST",status="200",uri="/saveEmail"} 100.0
            http_server_requests_seconds_bucket{method="POST",status="503",uri="/saveEmail",le="0.005"} 0.0
            http_server_requests_seconds_bucket{method="POST",status="503",uri="/saveEmail",le="0.01"} 0.0
            http_server_requests_seconds_bucket{method="POST",status="503",uri="/saveEmail",le="0.1"} 0.0
            http_server_requests_seconds_bucket{method="POST",status="503",uri="/saveEmail",le="1.0"} 0.0
            http_server_requests_seconds_bucket{method="POST",status="503",uri="/saveEmail",le="+Inf"} 2.0
            http_server_requests_seconds_count{method="POST",status="503",uri="/saveEmail"} 2.0
            http_server_requests_seconds_count{method="GET",status="200",uri="/q/health/ready"} 500.0
            process_cpu_time_ns_total 2.5E9
            process_start_time_seconds 1.7643E9
            function_cold_start_seconds 0.412
            """;

    /**
     * 102 calls (the /q/ probe not counted), 2 of them 5xx and slower than the largest bucket, so p99 is above it.
     * The exemplar Micrometer writes while tracing is on is not a value.
     */
    @Test
    void summarisesInvocationsErrorsQuantilesComputeAndColdStart() {
        assertEquals(String.format("%-16s %12s %8s %10s %10s %12s %14s", "save-email-fn", "102", "2", "10.0", "> max",
                "2.50", "412"), Stats.row("save-email-fn", Stats.Figures.of(PrometheusText.parse(METRICS))));
    }
}
