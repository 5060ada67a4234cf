package io.signup.sendemail.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * A real SMTP server (GreenMail) on a free port. It can be stopped and started again on the same port, or replaced by
 * a stuck server that accepts connections and never answers, to play the mail server's failures.
 */
public final class TestMailServer {

    private GreenMail greenMail;
    private ServerSocket stuck;
    private final List<Socket> stuckConnections = new CopyOnWriteArrayList<>();
    private int port;

    public synchronized void start() {
        ServerSetup setup = port == 0
                ? new ServerSetup(0, "localhost", ServerSetup.PROTOCOL_SMTP).dynamicPort()
                : new ServerSetup(port, "localhost", ServerSetup.PROTOCOL_SMTP);
        setup.setServerStartupTimeout(10_000);
        // On a port just freed by the stuck server, GreenMail's bind can fail at once with "Address already in use"
        // (seen in CI) rather than within its startup timeout: try again for up to 10 s.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                greenMail = new GreenMail(setup);
                greenMail.start();
                break;
            } catch (IllegalStateException bindFailed) {
                if (System.nanoTime() > deadline) {
                    throw bindFailed;
                }
                sleep(200);
            }
        }
        port = greenMail.getSmtp().getPort();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public synchronized void stop() {
        greenMail.stop();
    }

    /** In place of the server: a socket that accepts and stays silent, as a hung SMTP server does. */
    public synchronized void startStuck() {
        try {
            // The port GreenMail just left may still hold closed connections: bind anyway.
            stuck = new ServerSocket();
            stuck.setReuseAddress(true);
            stuck.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(() -> {
            while (!stuck.isClosed()) {
                try {
                    stuckConnections.add(stuck.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "stuck-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public synchronized void stopStuck() throws IOException {
        stuck.close();
        for (Socket connection : stuckConnections) {
            connection.close();
        }
    }

    public int port() {
        return port;
    }

    /** Mails received since the server was last started. */
    public List<MimeMessage> received() {
        return List.of(greenMail.getReceivedMessages());
    }
}
