package io.signup.saveemail.web;

import jakarta.enterprise.context.ApplicationScoped;

import io.signup.saveemail.Requester;
import io.signup.saveemail.config.SaveEmailConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/** Reads who sent a request ({@link Requester}) from the request, the same way for every endpoint. */
@ApplicationScoped
public class Requesters {

    private static final int USER_AGENT_MAX_LENGTH = 256;
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final ClientAddress clientAddress;

    public Requesters(SaveEmailConfig config) {
        this.clientAddress = new ClientAddress(config.client().trustedProxies());
    }

    public Requester of(RoutingContext context, String consentVersion) {
        if (context == null) {
            return new Requester(null, null, consentVersion);
        }
        HttpServerRequest request = context.request();
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        String address = peer == null ? null : clientAddress.resolve(peer, request.headers().getAll(FORWARDED_FOR));
        String userAgent = request.getHeader("User-Agent");
        if (userAgent != null && userAgent.length() > USER_AGENT_MAX_LENGTH) {
            userAgent = userAgent.substring(0, USER_AGENT_MAX_LENGTH);
        }
        return new Requester(address, userAgent, consentVersion);
    }
}
