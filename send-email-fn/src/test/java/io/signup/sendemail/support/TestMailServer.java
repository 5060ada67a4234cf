package io.signup.sendemail.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
        // A port just freed by the stuck server may take a moment to bind again.
        setup.setServerStartupTimeout(10_000);
        greenMail = new GreenMail(setup);
        greenMail.start();
        port = greenMail.getSmtp().getPort();
    }

    public synchronized void stop() {
        greenMail.stop();
    }

    /** In place of the server: a socket that accepts and stays silent, as a hung SMTP server does. */
    public synchronized void startStuck() {
        try {
            stuck = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
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
