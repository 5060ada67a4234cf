package io.signup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
