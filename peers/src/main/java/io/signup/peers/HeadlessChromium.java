package io.signup.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and ChromeDriver, headless. Nothing is downloaded: when either is missing, the message says what
 * to install.
 */
public final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of(System.getProperty("signup.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("signup.chromedriver", "/usr/bin/chromedriver"));

    private HeadlessChromium() {
    }

    public static ChromeDriver start(int width, int height) {
        return start(width, height, true);
    }

    /**
     * @param javascript false to see a page as a browser without JavaScript does
     */
    public static ChromeDriver start(int width, int height, boolean javascript) {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " (Debian package chromium-driver)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The browser test needs " + String.join(" and ", missing)
                    + ": apt-get install -y chromium chromium-driver");
        }
        try {
            ChromeOptions options = new ChromeOptions()
                    .setBinary(CHROMIUM.toFile())
                    // Root in CI needs --no-sandbox; the rest keeps Chromium off the network it cannot reach.
                    .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--no-first-run", "--disable-quic", "--window-size=" + width + "," + height,
                            "--user-data-dir=" + Files.createTempDirectory("chromium"));
            // The console, for tests that want a page to load without errors.
            options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
            if (!javascript) {
                options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
            }
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            return new ChromeDriver(service, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
