package io.signup.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** What the small SMTP peers here (the scripted server, the fault relay) share: sessions, lines, addresses. */
public final class SmtpLines {

    private SmtpLines() {
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

    public static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** One line, CRLF-terminated, flushed. */
    public static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The address of {@code MAIL FROM:<a>} or {@code RCPT TO:<a>} (parameters after it ignored). */
    public static String address(String line) {
        String value = line.substring(line.indexOf(':') + 1).strip();
        int close = value.indexOf('>');
        return value.startsWith("<") && close > 0 ? value.substring(1, close) : value.split("\\s")[0];
    }

    public static void close(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
