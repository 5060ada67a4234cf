package io.signup.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A real SMTP server on a loopback port whose replies a test chooses, for what a friendly test server (GreenMail)
 * never does: refuse one recipient for good (550), refuse for now (451), demand a login (530), or acknowledge a
 * message only after a delay. It speaks enough of RFC 5321 for a client: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
 * QUIT.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /** A message the server acknowledged with 250 after DATA. */
    public record Accepted(String from, List<String> recipients, String data) {
    }

    private final ServerSocket socket;
    private final Map<String, String> recipientReplies = new ConcurrentHashMap<>();
    private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    private volatile String mailFromReply = "250 2.1.0 Ok";
    private volatile Duration dataAckDelay = Duration.ZERO;
    private volatile Consumer<Accepted> beforeAcknowledging = message -> { };

    public ScriptedSmtpServer() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SmtpLines.serve(socket, "scripted-smtp", this::converse);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The reply to {@code RCPT TO} for {@code recipient} (any case), e.g. {@code 550 5.1.1 No such user}. */
    public void replyToRecipient(String recipient, String reply) {
        recipientReplies.put(recipient.toLowerCase(Locale.ROOT), reply);
    }

    /** The reply to every {@code MAIL FROM}, e.g. {@code 530 5.7.0 Authentication required}; null restores 250. */
    public void replyToMailFrom(String reply) {
        mailFromReply = reply == null ? "250 2.1.0 Ok" : reply;
    }

    /** How long the server waits after the message's final dot before it says 250. */
    public void acknowledgeDataAfter(Duration delay) {
        dataAckDelay = delay;
    }

    /**
     * Runs {@code action} on each message the server has taken, before it says {@code 250}: a sender killed there
     * has handed over its mail and never learns it, as one that dies between the {@code 250} and its own record.
     */
    public void beforeAcknowledging(Consumer<Accepted> action) {
        beforeAcknowledging = action == null ? message -> { } : action;
    }

    public List<Accepted> accepted() {
        return List.copyOf(accepted);
    }

    /** The accepted messages to {@code recipient}. */
    public List<Accepted> acceptedFor(String recipient) {
        return accepted.stream().filter(m -> m.recipients().contains(recipient)).toList();
    }

    private void converse(Socket client) {
        try (client; BufferedReader in = SmtpLines.reader(client); OutputStream out = client.getOutputStream()) {
            SmtpLines.write(out, "220 localhost ESMTP scripted");
            String from = null;
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                    SmtpLines.write(out, "250 localhost");
                } else if (command.startsWith("MAIL FROM:")) {
                    from = SmtpLines.address(line);
                    recipients.clear();
                    SmtpLines.write(out, mailFromReply);
                } else if (command.startsWith("RCPT TO:")) {
                    String recipient = SmtpLines.address(line);
                    String answer = recipientReplies.getOrDefault(recipient.toLowerCase(Locale.ROOT), "250 2.1.5 Ok");
                    if (answer.startsWith("2")) {
                        recipients.add(recipient);
                    }
                    SmtpLines.write(out, answer);
                } else if (command.equals("DATA")) {
                    SmtpLines.write(out, "354 End data with <CR><LF>.<CR><LF>");
                    StringBuilder data = new StringBuilder();
                    for (String body = in.readLine(); body != null && !body.equals("."); body = in.readLine()) {
                        data.append(body.startsWith("..") ? body.substring(1) : body).append("\r\n");
                    }
                    Thread.sleep(dataAckDelay.toMillis());
                    Accepted message = new Accepted(from, List.copyOf(recipients), data.toString());
                    accepted.add(message);
                    beforeAcknowledging.accept(message);
                    SmtpLines.write(out, "250 2.0.0 Ok: queued");
                } else if (command.equals("RSET") || command.equals("NOOP")) {
                    SmtpLines.write(out, "250 2.0.0 Ok");
                } else if (command.equals("QUIT")) {
                    SmtpLines.write(out, "221 2.0.0 Bye");
                    return;
                } else {
                    SmtpLines.write(out, "502 5.5.2 Command not recognized");
                }
            }
        } catch (IOException | InterruptedException gone) {
            // the client hung up, or the server is closing
        }
    }

    @Override
    public void close() {
        SmtpLines.close(socket);
    }
}
