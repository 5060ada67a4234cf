package io.signup.renderhtml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.signup.peers.Addresses;
import io.signup.peers.FunctionProcess;
import io.signup.peers.HeadlessChromium;
import io.signup.peers.RecordingSink;
import io.signup.peers.TestDatabase;

/**
 * A person's signup in a real browser: headless Chromium loads the page from the packaged render-html-fn and posts
 * to the packaged save-email-fn, which stores into a real Postgres. Screenshots land in target/browser/.
 */
class SignupPageBrowserIT {

    private static final Path ARTIFACTS = Path.of("target", "browser");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TestDatabase database;
    private static RecordingSink broker;
    private static FunctionProcess saveEmail;
    private static FunctionProcess renderHtml;
    private static ChromeDriver browser;

    @BeforeAll
    static void startTheStack() {
        database = new TestDatabase();
        database.start();
        broker = new RecordingSink();
        broker.start();
        Path root = FunctionProcess.projectRoot();
        int pagePort = FunctionProcess.freePort();
        int savePort = FunctionProcess.freePort();
        // The page's origin is the only one save-email-fn lets a browser call from.
        Map<String, String> env = new HashMap<>(FunctionProcess.saveEmailEnvironment(
                database, broker.url(), List.of("http://localhost:" + pagePort)));
        env.put("SIGNUP_PAGE_URL", "http://localhost:" + pagePort);
        saveEmail = FunctionProcess.start(root, "save-email-fn", savePort, env, ARTIFACTS);
        renderHtml = FunctionProcess.start(root, "render-html-fn", pagePort,
                Map.of("SAVE_EMAIL_URL", saveEmail.url() + "/saveEmail"), ARTIFACTS);
        browser = HeadlessChromium.start(1024, 768);
    }

    @AfterAll
    static void stopTheStack() {
        if (browser != null) {
            browser.quit();
        }
        for (AutoCloseable part : new AutoCloseable[] { renderHtml, saveEmail }) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception ignored) {
                    // the others still need to stop
                }
            }
        }
        if (broker != null) {
            broker.stop();
        }
        if (database != null) {
            database.stop();
        }
    }

    @Test
    void aPersonSignsUpAndSeesTheSuccessMessage() throws Exception {
        String email = Addresses.unique("ann");
        browser.get(renderHtml.url() + "/");
        assertEquals("Sign up for our news", browser.getTitle());
        screenshot("signup-page.png");

        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        WebElement status = waitForText(By.id("status"), "Almost done");
        assertEquals("Almost done: check your inbox and press the button in our confirmation mail.",
                status.getText());
        screenshot("signup-success.png");
        assertEquals(1, database.count("select count(*) from subscriber where email = ?", email),
                "the browser's request reached save-email-fn and was stored");
        assertEquals("", browser.findElement(By.id("email")).getAttribute("value"), "the form is cleared");
    }

    @Test
    void withoutJavaScriptTheFormPostsItselfAndLandsOnTheResultPage() {
        String email = Addresses.unique("nojs");
        ChromeDriver plain = HeadlessChromium.start(1024, 768, false);
        try {
            plain.get(renderHtml.url() + "/");
            plain.findElement(By.id("email")).sendKeys(email);
            plain.findElement(By.cssSelector("button[type=submit]")).click();

            new WebDriverWait(plain, WAIT).until(ExpectedConditions.urlContains("/done/signed-up"));
            assertEquals("Check your inbox", plain.findElement(By.tagName("h1")).getText());
            assertEquals(1, database.count("select count(*) from subscriber where email = ?", email));
        } finally {
            plain.quit();
        }
    }

    @Test
    void thePageLoadsWithoutConsoleErrors() {
        browser.manage().logs().get(LogType.BROWSER); // what earlier tests left in the console
        browser.get(renderHtml.url() + "/");
        browser.navigate().refresh();
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(Object::toString).toList();
        assertEquals(List.of(), errors);
    }

    @Test
    void anAddressTheServerRefusesShowsItsMessageNextToTheField() throws Exception {
        browser.get(renderHtml.url() + "/");
        // Valid for the browser's type=email check, refused by save-email-fn: the message must come from the server.
        WebElement field = browser.findElement(By.id("email"));
        field.sendKeys("ann@example");
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        WebElement error = waitForText(By.id("email-error"), "dot");
        assertEquals("Email domain must have a dot, as in example.com.", error.getText());
        assertEquals("true", field.getAttribute("aria-invalid"));
        assertEquals(0, database.count("select count(*) from subscriber where email = ?", "ann@example"));
        screenshot("signup-server-error.png");
    }

    @Test
    void anEmptyFieldIsCaughtBeforeAnythingIsSent() {
        long rows = database.count("select count(*) from subscriber");
        browser.get(renderHtml.url() + "/");
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        waitForText(By.id("email-error"), "Please enter your email address.");
        assertEquals(rows, database.count("select count(*) from subscriber"));
    }

    @Test
    void fitsAPhoneScreen() throws Exception {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(375, 740));
        try {
            browser.get(renderHtml.url() + "/");
            long overflow = (Long) browser.executeScript(
                    "return document.documentElement.scrollWidth - window.innerWidth;");
            assertTrue(overflow <= 0, "no horizontal scrolling, overflow " + overflow + " px");
            assertTrue(browser.findElement(By.id("email")).getRect().getWidth() > 250, "the field uses the width");
            screenshot("signup-page-phone.png");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1024, 768));
        }
    }

    @Test
    void theHoneypotIsInvisibleToPeople() {
        browser.get(renderHtml.url() + "/");
        assertTrue(!browser.findElement(By.id("website")).isDisplayed()
                || browser.findElement(By.id("website")).getRect().getX() < 0, "honeypot off screen");
    }

    private static WebElement waitForText(By locator, String text) {
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
        return browser.findElement(locator);
    }

    private static void screenshot(String name) throws Exception {
        Files.createDirectories(ARTIFACTS);
        Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, ARTIFACTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
