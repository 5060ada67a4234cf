package io.signup.local;

import java.io.IOException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/** The small servers of the local stack (Broker, inbox) run on the JDK's HTTP server. */
final class JdkHttp {

    private JdkHttp() {
    }

    /** Closes each exchange, and prints a failure the JDK server would otherwise swallow with the connection. */
    static HttpHandler logged(HttpHandler handler) {
        return exchange -> {
            try (exchange) {
                handler.handle(exchange);
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();
                throw e;
            }
        };
    }

    static void answer(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
