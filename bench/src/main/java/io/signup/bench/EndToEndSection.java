package io.signup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.signup.local.LocalStack;
import io.signup.local.StackOverrides;
import io.signup.local.StackSettings;
import io.signup.peers.FunctionProcess;
import io.signup.peers.PrometheusText;

/**
 * 3. The make run stack on free ports: signups at a steady rate, each until its confirmation mail is accepted. Also
 * the crash window of each run, as send-email-fn measures it (mail_crash_window_seconds: from the SMTP server's 250
 * to the committed SENT mark, the only time a death leaves a mail sent but unrecorded).
 */
final class EndToEndSection {

    record Row(int signupsPerSecond, long secondsPerRun, Figure p50Millis, Figure p95Millis, Figure p99Millis,
            int sent, int mailed, int failedPosts, Figure windowP50Millis, Figure windowP99Millis) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private EndToEndSection() {
    }

    static Row run(Path root, Map<String, String> saveEnvironment, int rate, Duration time, int runs) {
        Path runDirectory;
        try {
            runDirectory = Files.createTempDirectory("signup-bench-stack");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StackSettings settings = new StackSettings(root, runDirectory, FunctionProcess.freePort(),
                FunctionProcess.freePort(), FunctionProcess.freePort(), FunctionProcess.freePort(),
                FunctionProcess.freePort(), FunctionProcess.freePort(), FunctionProcess.freePort(),
                FunctionProcess.freePort());
        try (LocalStack stack = LocalStack.start(settings,
                new StackOverrides(Map.of("save-email-fn", saveEnvironment), null, null, null))) {
            EndToEnd e2e = new EndToEnd(URI.create("http://localhost:" + settings.savePort()), stack.inbox());
            e2e.run(rate, Duration.ofSeconds(3)); // warm-up
            List<Double> p50 = new ArrayList<>();
            List<Double> p95 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            int sent = 0;
            int mailed = 0;
            int failedPosts = 0;
            List<Double> windowP50 = new ArrayList<>();
            List<Double> windowP99 = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                EndToEnd.Result result = e2e.run(rate, time);
                p50.add(result.percentileMillis(50));
                p95.add(result.percentileMillis(95));
                p99.add(result.percentileMillis(99));
                sent += result.sent();
                mailed += result.delivered();
                failedPosts += result.failedPosts();
                List<PrometheusText.Sample> metrics = PrometheusText.parse(get(stack.sendUrl() + "/q/metrics"));
                windowP50.add(1000 * PrometheusText.sum(metrics, "mail_crash_window_seconds", Map.of("quantile", "0.5")));
                windowP99.add(1000 * PrometheusText.sum(metrics, "mail_crash_window_seconds",
                        Map.of("quantile", "0.99")));
                Bench.progress("end to end run %d: %d sent, %d mailed, p50 %.1f ms", run + 1, result.sent(),
                        result.delivered(), result.percentileMillis(50));
            }
            return new Row(rate, time.toSeconds(), Figure.of(p50), Figure.of(p95), Figure.of(p99), sent, mailed,
                    failedPosts, Figure.of(windowP50), Figure.of(windowP99));
        }
    }

    private static String get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
