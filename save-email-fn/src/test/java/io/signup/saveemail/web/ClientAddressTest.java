package io.signup.saveemail.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private final ClientAddress knative = new ClientAddress(
            List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"));

    @Test
    void withoutForwardingThePeerIsTheClient() {
        assertEquals("198.51.100.7", knative.resolve("198.51.100.7", List.of()));
        assertEquals("127.0.0.1", knative.resolve("127.0.0.1", List.of()));
    }

    @Test
    void throughIngressActivatorAndQueueProxyTheClientIsTheFirstUntrustedFromTheRight() {
        // client -> ingress (appends client) -> activator (appends ingress) -> queue-proxy on loopback
        assertEquals("203.0.113.5", knative.resolve("127.0.0.1", List.of("203.0.113.5, 10.244.0.12, 10.244.1.3")));
    }

    @Test
    void whatTheClientWroteItselfIsIgnored() {
        assertEquals("203.0.113.5", knative.resolve("127.0.0.1", List.of("1.2.3.4, 203.0.113.5, 10.244.0.12")));
        assertEquals("203.0.113.5", knative.resolve("127.0.0.1", List.of("1.2.3.4", "203.0.113.5")),
                "several headers are one chain");
    }

    @Test
    void anUntrustedPeerCannotForwardAtAll() {
        assertEquals("198.51.100.7", knative.resolve("198.51.100.7", List.of("203.0.113.5")));
    }

    @Test
    void garbageInTheChainStopsAtTheLastRealHop() {
        assertEquals("10.244.0.12", knative.resolve("127.0.0.1", List.of("evil.example, 10.244.0.12")));
        assertEquals("10.244.0.12", knative.resolve("127.0.0.1", List.of("999.1.1.1, 10.244.0.12")));
    }

    @Test
    void ipv6IsReadAndMatched() {
        assertEquals("2001:db8:0:0:0:0:0:1", knative.resolve("0:0:0:0:0:0:0:1", List.of("[2001:db8::1]")));
    }

    @Test
    void literalsNeverCauseALookup() {
        assertNull(ClientAddress.literal("localhost"));
        assertNull(ClientAddress.literal("1.2.3"));
        assertEquals("10.0.0.1", ClientAddress.literal("10.0.0.1").getHostAddress());
    }

    @Test
    void aBadBlockIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress(List.of("proxy.example/8")));
    }
}
