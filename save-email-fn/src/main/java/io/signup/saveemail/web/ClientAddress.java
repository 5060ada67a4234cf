package io.signup.saveemail.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the client address of a request that passed through proxies, from the peer address and the
 * {@code X-Forwarded-For} chain that Knative's ingress, activator and queue-proxy extend. Each proxy appends whom it
 * heard from, so the chain is read from the right: the first address that is not a trusted proxy is the client.
 * Anything left of it was written by the client itself and is ignored, so a client cannot choose its own address.
 */
public final class ClientAddress {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<Block> trusted;

    public ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(Block::parse).toList();
    }

    /**
     * @param peer          the address the connection came from
     * @param forwardedFors the X-Forwarded-For header values, in order
     * @return the client address, or {@code peer} when no forwarding is believed
     */
    public String resolve(String peer, List<String> forwardedFors) {
        List<String> chain = new ArrayList<>();
        forwardedFors.forEach(header -> {
            for (String hop : header.split(",")) {
                chain.add(hop.strip());
            }
        });
        String client = peer;
        for (int i = chain.size() - 1; i >= 0 && isTrusted(client); i--) {
            InetAddress hop = literal(chain.get(i));
            if (hop == null) {
                break; // not an address: whoever wrote it is not a proxy we know, keep the last real hop
            }
            client = hop.getHostAddress();
        }
        return client;
    }

    private boolean isTrusted(String address) {
        InetAddress parsed = literal(address);
        return parsed != null && trusted.stream().anyMatch(block -> block.contains(parsed));
    }

    /** The address of an IP literal, never a DNS lookup; {@code null} for anything else. */
    static InetAddress literal(String text) {
        String bare = text == null ? "" : text.replaceAll("^\\[|]$", "");
        try {
            Matcher v4 = IPV4.matcher(bare);
            if (v4.matches()) {
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(v4.group(i + 1));
                    if (octet > 255) {
                        return null;
                    }
                    bytes[i] = (byte) octet;
                }
                return InetAddress.getByAddress(bytes);
            }
            // With a colon, the JDK parses an IPv6 literal and never asks DNS.
            return IPV6.matcher(bare).matches() ? InetAddress.getByName(bare) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A CIDR block such as {@code 10.0.0.0/8} or {@code ::1/128}. */
    private record Block(byte[] network, int prefix) {

        static Block parse(String cidr) {
            String[] parts = cidr.strip().split("/", 2);
            InetAddress address = literal(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("not a CIDR block: " + cidr);
            }
            int bits = address.getAddress().length * 8;
            return new Block(address.getAddress(), parts.length == 2 ? Integer.parseInt(parts[1]) : bits);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
