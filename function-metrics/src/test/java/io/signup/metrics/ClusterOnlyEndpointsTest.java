package io.signup.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterOnlyEndpointsTest {

    private final ClusterOnlyEndpoints endpoints = new ClusterOnlyEndpoints(new ClusterOnlyEndpoints.Config() {
        @Override
        public List<String> clusterOnlyPaths() {
            return List.of("/q/*", "/republishOutbox", "/");
        }

        @Override
        public String clusterDomain() {
            return "cluster.local";
        }
    });

    @ParameterizedTest
    @ValueSource(strings = { "save-email-fn.signup.svc.cluster.local", "save-email-fn.signup.svc",
            "save-email-fn.signup.svc.cluster.local.", "save-email-fn", "10.42.0.17", "[fd00::17]", "localhost",
            "LOCALHOST", "" })
    void callersInsideTheClusterAreLetThrough(String host) {
        assertTrue(endpoints.isClusterHost(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = { "save-email-fn.signup.127.0.0.1.sslip.io", "save-email-fn.signup.example.com",
            "signup.example.com", "svc.cluster.local.example.com", "save-email-fn.signup.svc.other.domain",
            "localhost.example.com" })
    void publicHostsAreNot(String host) {
        assertFalse(endpoints.isClusterHost(host), host);
    }

    @Test
    void exactPathsAndPrefixes() {
        assertTrue(endpoints.isClusterOnly("/q/metrics"));
        assertTrue(endpoints.isClusterOnly("/republishOutbox"));
        assertTrue(endpoints.isClusterOnly("/"));
        assertFalse(endpoints.isClusterOnly("/saveEmail"));
        assertFalse(endpoints.isClusterOnly("/republishOutbox/x"));
        assertFalse(endpoints.isClusterOnly("/qx"));
    }
}
