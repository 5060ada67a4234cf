package io.signup.sendemail.service;

import java.util.List;

import io.quarkus.mailer.Mail;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.qute.Variant;

/**
 * A mail's body from its template's two variants ({@code .txt} and {@code .html}, both required): the text as written,
 * the HTML folded into as few lines as SMTP allows.
 * <p>
 * Why fold: the mail client writes each line of a body to the socket on its own, and waits for it before the next, so
 * every line is a system call; the HTML templates' 13 and 15 lines were as many of a mail's 38 socket writes. Between
 * HTML tags and words a line break means no more than a space, so it becomes one, until a line would pass RFC 5322's
 * 998 characters; then the body keeps its 7bit encoding (a longer line would make the client quote every line). No
 * template here has a {@code <pre>} or {@code <textarea>}, the elements whose line breaks would show.
 */
final class MailBodies {

    /** RFC 5322 2.1.1: at most 998 characters in a line, without its CRLF. */
    static final int MAX_LINE = 998;

    private MailBodies() {
    }

    /** Renders both variants of {@code template} into {@code mail}. */
    static Mail render(TemplateInstance template, Mail mail) {
        return mail.setText(template.setVariant(variant(template, Variant.TEXT_PLAIN)).render())
                .setHtml(folded(template.setVariant(variant(template, Variant.TEXT_HTML)).render()));
    }

    /** {@code html} with its line breaks and indentation folded as the class describes. */
    static String folded(String html) {
        StringBuilder folded = new StringBuilder(html.length());
        int lineStart = 0;
        for (String line : html.split("\n")) {
            String words = line.strip();
            if (words.isEmpty()) {
                continue;
            }
            if (folded.length() > lineStart) {
                if (folded.length() - lineStart + 1 + words.length() > MAX_LINE) {
                    folded.append('\n');
                    lineStart = folded.length();
                } else {
                    folded.append(' ');
                }
            }
            folded.append(words);
        }
        return folded.append('\n').toString();
    }

    private static Variant variant(TemplateInstance template, String contentType) {
        @SuppressWarnings("unchecked")
        List<Variant> variants = (List<Variant>) template.getAttribute(TemplateInstance.VARIANTS);
        return variants.stream().filter(variant -> contentType.equals(variant.getContentType())).findFirst()
                .orElseThrow(() -> new IllegalStateException("a mail template without its " + contentType + " variant"));
    }
}
