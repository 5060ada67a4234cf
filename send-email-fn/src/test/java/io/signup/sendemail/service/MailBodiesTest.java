package io.signup.sendemail.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class MailBodiesTest {

    @Test
    void lineBreaksAndIndentationBecomeSingleSpaces() {
        String html = """
                <!DOCTYPE html>
                <html lang="en">

                <body style="color: #1f2933;">
                  <p>Hello <strong>Ann</strong>,</p>
                  <p>The link works until tomorrow. If you did not ask for this, ignore this mail: you will not be
                    subscribed.</p>
                </body>
                </html>
                """;

        assertEquals("<!DOCTYPE html> <html lang=\"en\"> <body style=\"color: #1f2933;\"> <p>Hello <strong>Ann</strong>,"
                + "</p> <p>The link works until tomorrow. If you did not ask for this, ignore this mail: you will not be "
                + "subscribed.</p> </body> </html>\n", MailBodies.folded(html));
    }

    @Test
    void noLinePassesTheSmtpLimitAndNothingIsLost() {
        String paragraph = "<p>" + "word ".repeat(60).strip() + "</p>"; // 306 characters
        String html = (paragraph + "\n").repeat(10);

        List<String> lines = MailBodies.folded(html).lines().toList();

        assertEquals(4, lines.size(), "3 paragraphs and their spaces fit in 998 characters, a 4th does not");
        assertTrue(lines.stream().allMatch(line -> line.length() <= MailBodies.MAX_LINE), lines.toString());
        assertEquals(html.replace('\n', ' ').strip(), String.join(" ", lines));
    }

    @Test
    void aLineLongerThanTheLimitIsLeftWhole() {
        String url = "<a href=\"https://signup.test/confirm?token=" + "x".repeat(1200) + "\">Confirm</a>";

        assertEquals("<p>\n" + url + "\n</p>\n", MailBodies.folded("<p>\n" + url + "\n</p>"));
    }
}
