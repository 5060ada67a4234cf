package io.signup.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/** The accept loop of the small line-based servers here (SMTP peers): one daemon thread per session. */
public final class TcpSessions {

    private TcpSessions() {
    }

    /** Accepts on {@code listening} until it closes, on a daemon thread, handing each session to {@code session}. */
    public static void serve(ServerSocket listening, String name, Consumer<Socket> session) {
        Thread acceptor = new Thread(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket client = listening.accept();
                    Thread conversation = new Thread(() -> session.accept(client), name + "-session");
                    conversation.setDaemon(true);
                    conversation.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, name);
        acceptor.setDaemon(true);
        acceptor.start();
    }
}
