package io.signup.local.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.signup.peers.SmtpLines;

/**
 * An SMTP relay between send-email-fn and the local mail server that plays a mail server's faults on demand: it is
 * down (every connection is cut), refuses chosen recipients for good ({@code 550}), holds the acknowledgement of each
 * message for a while (a server that answers after the sender's timeout), or kills the sender once the server took
 * a chosen recipient's mail and before the sender hears {@code 250} (a death in the crash window). Everything else
 * passes through line by line, so what is accepted lands in the inbox as usual, and the inbox keeps every mail through
 * an outage.
 */
final class SmtpFaults implements AutoCloseable {

    private final int upstreamPort;
    private final int port;
    private volatile ServerSocket socket;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private volatile Duration ackDelay = Duration.ZERO;
    private volatile boolean down;
    private final Map<String, Runnable> onAccepted = new ConcurrentHashMap<>();

    SmtpFaults(int upstreamPort) {
        this.upstreamPort = upstreamPort;
        this.port = listen(0);
    }

    /** Listens on {@code port} (0: any free one) and accepts sessions until the socket closes; returns the port. */
    private int listen(int on) {
        try {
            ServerSocket listening = new ServerSocket();
            listening.setReuseAddress(true);
            listening.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), on), 50);
            socket = listening;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SmtpLines.serve(socket, "smtp-faults", this::relay);
        return socket.getLocalPort();
    }

    int port() {
        return port;
    }

    /** {@code 550} to {@code RCPT TO} for this address, until {@link #clear()}. */
    void refuse(String recipient) {
        refused.add(recipient.toLowerCase(Locale.ROOT));
    }

    /** Each message's final {@code 250} comes this much later than the server gave it. */
    void acknowledgeAfter(Duration delay) {
        ackDelay = delay;
    }

    /**
     * Down: the port refuses connections and open sessions refuse their next transaction ({@code 421}), as a mail
     * server that is shutting down does. A transaction already past its data is let finish: cutting it after the
     * server took the message would play a different fault, the lost acknowledgement that SMTP itself cannot tell
     * from a lost message (RFC 1047).
     */
    synchronized void down(boolean isDown) {
        if (isDown && !down) {
            close();
        } else if (!isDown && down) {
            listen(port);
        }
        down = isDown;
    }

    /**
     * Once the server has taken a message to {@code recipient}, runs {@code kill} instead of passing the {@code 250}
     * on, then cuts the session; once only.
     */
    void killSenderOnAcceptance(String recipient, Runnable kill) {
        onAccepted.put(recipient.toLowerCase(Locale.ROOT), kill);
    }

    void clear() {
        onAccepted.clear();
        refused.clear();
        ackDelay = Duration.ZERO;
        down(false);
    }

    /** Client lines go up, server replies come down; RCPT of a refused address and the end of DATA are ours. */
    private void relay(Socket client) {
        try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                BufferedReader fromClient = SmtpLines.reader(client);
                BufferedReader fromServer = SmtpLines.reader(server)) {
            OutputStream toClient = client.getOutputStream();
            OutputStream toServer = server.getOutputStream();
            copyReply(fromServer, toClient, Duration.ZERO); // greeting
            boolean inData = false;
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = fromClient.readLine()) != null) {
                if (inData) {
                    SmtpLines.write(toServer, line);
                    if (line.equals(".")) {
                        inData = false;
                        Runnable kill = recipients.stream().map(onAccepted::remove).filter(Objects::nonNull)
                                .findFirst().orElse(null);
                        if (kill != null) {
                            readReply(fromServer); // the server's 250: it has the mail, the sender never hears so
                            kill.run();
                            return;
                        }
                        copyReply(fromServer, toClient, ackDelay);
                    }
                    continue;
                }
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("MAIL FROM:")) {
                    recipients.clear();
                } else if (command.startsWith("RCPT TO:")) {
                    recipients.add(address(line));
                }
                if (down && command.startsWith("MAIL FROM:")) {
                    SmtpLines.write(toClient, "421 4.3.2 Service not available, closing transmission channel");
                    return;
                }
                if (command.startsWith("RCPT TO:") && refused.contains(address(line))) {
                    SmtpLines.write(toClient,
                            "550 5.1.1 <" + address(line) + ">: Recipient address rejected: User unknown");
                    continue;
                }
                SmtpLines.write(toServer, line);
                copyReply(fromServer, toClient, Duration.ZERO);
                inData = command.equals("DATA");
                if (command.equals("QUIT")) {
                    return;
                }
            }
        } catch (IOException | InterruptedException gone) {
            // one side hung up
        }
    }

    /** Copies one (possibly multi-line) reply, after {@code delay}. */
    private static void copyReply(BufferedReader from, OutputStream to, Duration delay)
            throws IOException, InterruptedException {
        String reply = readReply(from);
        Thread.sleep(delay.toMillis());
        to.write(reply.getBytes(StandardCharsets.UTF_8));
        to.flush();
    }

    private static String readReply(BufferedReader from) throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = from.readLine();
            if (line == null) {
                throw new IOException("server closed");
            }
            reply.append(line).append("\r\n");
        } while (line.length() > 3 && line.charAt(3) == '-');
        return reply.toString();
    }

    private static String address(String line) {
        return SmtpLines.address(line).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        SmtpLines.close(socket);
    }
}
