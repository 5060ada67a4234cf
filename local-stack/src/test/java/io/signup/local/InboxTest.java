package io.signup.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

import io.signup.peers.FunctionProcess;

class InboxTest {

    /** GreenMail keeps one mailbox per recipient; the inbox must not list them mailbox by mailbox. */
    @Test
    void listsMailsInTheOrderTheyArrivedWhateverTheirRecipients() throws Exception {
        List<String> recipients = List.of("zoe@example.com", "ann@example.com", "zoe@example.com", "max@example.com",
                "ann@example.com");
        try (Inbox inbox = new Inbox(FunctionProcess.freePort(), FunctionProcess.freePort(), null, null)) {
            ServerSetup smtp = new ServerSetup(inbox.smtpPort(), "localhost", ServerSetup.PROTOCOL_SMTP);
            for (int i = 0; i < recipients.size(); i++) {
                GreenMailUtil.sendTextEmail(recipients.get(i), "from@example.com", "mail " + i, "body " + i, smtp);
                assertTrue(inbox.awaitReceived(i + 1, Duration.ofSeconds(5)));
            }

            assertEquals(recipients, inbox.recipients());
            assertEquals(List.of("mail 0", "mail 1", "mail 2", "mail 3", "mail 4"),
                    inbox.mails().stream().map(Inbox.Mail::subject).toList());
            JsonNode api = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(inbox.url() + "api/messages")).build(), BodyHandlers.ofString()).body());
            for (int i = 0; i < recipients.size(); i++) {
                assertEquals("mail " + i, api.get(i).get("subject").asText());
                assertEquals(recipients.get(i), api.get(i).get("to").asText());
            }
        }
    }
}
