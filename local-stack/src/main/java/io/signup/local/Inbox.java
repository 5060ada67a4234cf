package io.signup.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.signup.peers.MimeParts;

/**
 * A real SMTP server (GreenMail) and a page to read what it received: {@code /} lists the mails, {@code /messages/N}
 * shows one (HTML and text parts, headers), {@code /api/messages} gives the same as JSON. With a {@link Timeline},
 * each mail links to its event's path ({@code /timeline?message-id=...}, also {@code ?id=} and {@code ?email=}).
 * With {@link FunctionFigures}, {@code /figures} charts each function's figures (what {@code make stats} prints).
 */
public final class Inbox implements AutoCloseable {

    /** One received mail; its headers in order, a repeated header's values joined by a comma. */
    public record Mail(String to, String subject, Instant receivedAt, Map<String, String> headers, String text,
            String html) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final int smtpPort;
    private final List<Mail> earlier = new CopyOnWriteArrayList<>();
    private final HttpServer web;
    private final Timeline timeline;
    private final FunctionFigures figures;
    private GreenMail smtp;

    /**
     * @param timeline where each mail's event path is read; null for no links
     * @param figures  the functions' figures to chart; null for no figures page
     */
    Inbox(int smtpPort, int webPort, Timeline timeline, FunctionFigures figures) {
        this.smtpPort = smtpPort;
        this.timeline = timeline;
        this.figures = figures;
        startSmtp();
        try {
            web = HttpServer.create(new InetSocketAddress("localhost", webPort), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("inbox cannot listen on port " + webPort, e);
        }
        web.createContext("/", JdkHttp.logged(this::respond));
        web.start();
    }

    public String url() {
        return "http://localhost:" + web.getAddress().getPort() + "/";
    }

    public int smtpPort() {
        return smtpPort;
    }

    /** Stops the SMTP server (the page stays up and keeps what arrived), as an outage would. */
    public synchronized void stopSmtp() {
        earlier.addAll(current());
        smtp.stop();
    }

    public synchronized void startSmtp() {
        smtp = new GreenMail(new ServerSetup(smtpPort, "localhost", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    /**
     * Waits until the running SMTP server holds at least {@code count} mails (it is woken by each delivery).
     *
     * @return false when the timeout passed first
     */
    public boolean awaitReceived(int count, Duration timeout) {
        GreenMail server;
        synchronized (this) {
            server = smtp;
        }
        return server.waitForIncomingEmail(timeout.toMillis(), count);
    }

    /** The recipient of each mail received, also before an SMTP restart, without reading the bodies again. */
    public synchronized List<String> recipients() {
        List<String> recipients = new ArrayList<>(earlier.stream().map(Mail::to).toList());
        for (MimeMessage message : arrivalOrder()) {
            try {
                recipients.add(message.getRecipients(Message.RecipientType.TO)[0].toString());
            } catch (Exception e) {
                throw new IllegalStateException("unreadable mail", e);
            }
        }
        return recipients;
    }

    public synchronized List<Mail> mails() {
        List<Mail> all = new ArrayList<>(earlier);
        all.addAll(current());
        return all;
    }

    private List<Mail> current() {
        List<Mail> mails = new ArrayList<>();
        for (StoredMessage stored : arrivalOrderStored()) {
            MimeMessage message = stored.getMimeMessage();
            try {
                Instant received = stored.getReceivedDate().toInstant();
                Map<String, String> headers = new LinkedHashMap<>();
                for (Header header : Collections.list(message.getAllHeaders())) {
                    headers.merge(header.getName(), header.getValue(), (a, b) -> a + ", " + b);
                }
                mails.add(new Mail(message.getRecipients(Message.RecipientType.TO)[0].toString(), message.getSubject(),
                        received, headers, MimeParts.find(message, "text/plain"), MimeParts.find(message, "text/html")));
            } catch (Exception e) {
                throw new IllegalStateException("unreadable mail", e);
            }
        }
        return mails;
    }

    /**
     * The mails as the SMTP server took them: GreenMail lists them mailbox by mailbox, so they are sorted by the time
     * each was stored (the Date header only has seconds, and is the sender's).
     */
    private List<StoredMessage> arrivalOrderStored() {
        List<StoredMessage> stored = new ArrayList<>(smtp.getManagers().getImapHostManager().getAllMessages());
        stored.sort(Comparator.comparing(StoredMessage::getReceivedDate));
        return stored;
    }

    private List<MimeMessage> arrivalOrder() {
        return arrivalOrderStored().stream().map(StoredMessage::getMimeMessage).toList();
    }

    private void respond(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        List<Mail> mails = mails();
        if (path.equals("/api/messages")) {
            answer(exchange, "application/json", JSON.writeValueAsString(mails));
        } else if (path.equals("/")) {
            answer(exchange, "text/html;charset=utf-8", listPage(mails));
        } else if (path.equals("/figures") && figures != null) {
            answer(exchange, "text/html;charset=utf-8", page("Function figures", FiguresPage.body(figures)));
        } else if (path.equals("/timeline") && timeline != null) {
            answer(exchange, "text/html;charset=utf-8", timelinePage(exchange.getRequestURI().getRawQuery()));
        } else if (path.matches("/messages/\\d+") && Integer.parseInt(path.substring(10)) < mails.size()) {
            answer(exchange, "text/html;charset=utf-8", mailPage(mails.get(Integer.parseInt(path.substring(10)))));
        } else {
            exchange.sendResponseHeaders(404, -1);
        }
    }

    private String listPage(List<Mail> mails) {
        StringBuilder rows = new StringBuilder();
        for (int i = mails.size() - 1; i >= 0; i--) {
            Mail mail = mails.get(i);
            rows.append("<tr><td>").append(escape(mail.receivedAt().toString())).append("</td><td>")
                    .append(escape(mail.to())).append("</td><td><a href=\"/messages/").append(i).append("\">")
                    .append(escape(mail.subject())).append("</a></td>").append(timelineCell(mail)).append("</tr>\n");
        }
        String links = figures == null ? "" : "<p><a href=\"/figures\">Function figures</a>: invocations, errors, "
                + "p50/p99, CPU per call and cold starts of each function, charted as they change.</p>";
        return page("Inbox (" + mails.size() + ")", links + (mails.isEmpty()
                ? "<p>No mail yet. Sign up on the form and it appears here.</p>"
                : "<table><thead><tr><th>Received</th><th>To</th><th>Subject</th>" + (timeline == null ? ""
                        : "<th>Event</th>") + "</tr></thead><tbody>\n" + rows + "</tbody></table>"));
    }

    private String timelineCell(Mail mail) {
        if (timeline == null) {
            return "";
        }
        String messageId = mail.headers().get("Message-ID");
        return messageId == null ? "<td></td>" : "<td><a class=\"timeline\" href=\"" + timelineLink(messageId)
                + "\">timeline</a></td>";
    }

    private static String timelineLink(String messageId) {
        return "/timeline?message-id=" + URLEncoder.encode(messageId, StandardCharsets.UTF_8);
    }

    /** The path of the event a mail was sent for ({@code message-id}), of one event ({@code id}) or of an address. */
    private String timelinePage(String query) {
        Map<String, String> asked = new LinkedHashMap<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            String[] parts = pair.split("=", 2);
            asked.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length < 2 ? "" : URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        Timeline.Answer answer;
        try {
            if (asked.containsKey("message-id")) {
                answer = timeline.ofMessageId(asked.get("message-id"));
            } else if (asked.containsKey("id")) {
                answer = timeline.ofEvent(asked.get("id"));
            } else if (asked.containsKey("email")) {
                answer = timeline.ofAddress(asked.get("email"));
            } else {
                return page("Timeline", "<p>Name an event: ?id=, ?message-id= or ?email=.</p>");
            }
        } catch (IOException e) {
            return page("Timeline", "<p><a href=\"/\">&larr; Inbox</a></p><p>Not available: "
                    + escape(String.valueOf(e.getMessage())) + "</p>");
        }
        StringBuilder body = new StringBuilder("<p><a href=\"/\">&larr; Inbox</a></p>");
        if (answer.events().isEmpty()) {
            body.append("<p>No record of ").append(escape(answer.subject())).append(".</p>");
        }
        for (Timeline.Path event : answer.events()) {
            body.append("<h2>").append(escape(event.type())).append(" <small>").append(escape(event.id()))
                    .append("</small></h2><table class=\"steps\"><tbody>\n");
            for (Timeline.Step step : event.steps()) {
                body.append("<tr><td>").append(Timeline.time(step.at())).append("</td><th>")
                        .append(escape(step.what())).append("</th><td>").append(escape(step.detail()))
                        .append("</td></tr>\n");
            }
            body.append("</tbody></table>");
        }
        return page("Timeline of " + answer.subject(), body.toString());
    }

    private String mailPage(Mail mail) {
        StringBuilder headers = new StringBuilder();
        mail.headers().forEach((name, value) -> headers.append("<tr><th>").append(escape(name)).append("</th><td>")
                .append(escape(value)).append("</td></tr>\n"));
        String messageId = mail.headers().get("Message-ID");
        String link = timeline == null || messageId == null ? ""
                : "<br><a class=\"timeline\" href=\"" + timelineLink(messageId) + "\">What happened to its event</a>";
        return page(mail.subject(), "<p><a href=\"/\">&larr; Inbox</a></p><p>To: " + escape(mail.to()) + "<br>Received: "
                + escape(mail.receivedAt().toString()) + link + "</p><h2>HTML part</h2><iframe sandbox srcdoc=\""
                + escape(String.valueOf(mail.html())) + "\"></iframe><h2>Text part</h2><pre>"
                + escape(String.valueOf(mail.text())) + "</pre><h2>Headers</h2><table class=\"headers\">" + headers
                + "</table>");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">"
                + "<title>" + escape(title) + "</title><style>body{font:15px system-ui,sans-serif;margin:2rem;color:#1f2933}"
                + "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .8rem;border-bottom:1px solid #ddd}"
                + "iframe{width:100%;height:14rem;border:1px solid #ddd}pre{background:#f5f7fa;padding:1rem;overflow-x:auto}"
                + ".charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{margin:0;padding:.5rem;border:1px solid #e4e7eb}"
                + "figcaption{font-size:13px;margin-bottom:.3rem}.big{font-size:22px;margin:.2rem 0}</style></head>"
                + "<body><h1>" + escape(title) + "</h1>" + body + "</body></html>";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void answer(HttpExchange exchange, String contentType, String body) throws IOException {
        JdkHttp.answer(exchange, 200, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        web.stop(0);
        smtp.stop();
    }
}
