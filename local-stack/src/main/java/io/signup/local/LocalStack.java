package io.signup.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.fabric8.knative.sources.v1.SinkBinding;
import io.signup.contract.Senders;
import io.signup.peers.FunctionProcess;
import io.signup.peers.LocalFunction;
import io.signup.peers.LocalIssuer;
import io.signup.peers.ProjectedToken;
import io.signup.peers.TestDatabase;

/**
 * {@code make run}: the whole system on one machine, with real parts. Postgres (embedded, data kept under the run
 * folder), an SMTP server with an inbox page, the local Broker, the PingSource, and the three functions as separate
 * processes from their packaged jars, configured only by environment variables. Ctrl-C stops everything.
 * <p>
 * Longer than most classes here on purpose: it owns every part's life (start in order, stop in reverse, and the
 * kill, restart and outage hooks that make chaos and the tests use), and splitting that ownership would scatter it.
 */
public final class LocalStack implements AutoCloseable {

    /** The inbox's figures page: a scrape of each function every 2 s, the last 5 minutes kept. */
    private static final Duration FIGURES_EVERY = Duration.ofSeconds(2);
    private static final int FIGURES_KEPT = 150;

    /**
     * Where a token of a service account of the namespace is had, {@code POST /token/<account>?audience=<audience>}:
     * the operators' commands (make dead-letters) ask for {@code signup-operator}'s.
     */
    public static final String TOKEN_PATH = "/token";
    /** Knative renews a projected token at 80 % of its life; the local one is renewed well before it ends too. */
    private static final Duration TOKEN_RENEWAL = LocalIssuer.LIFETIME.dividedBy(3);

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor();
    private final StackSettings settings;
    private final StackOverrides overrides;
    private final Map<String, FunctionProcess> functions = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> environments = new HashMap<>();
    private TestDatabase database;
    private Inbox inbox;
    private KnativeConfig knative;
    private Function<String, URI> resolve;
    private LocalBroker broker;
    private LocalIssuer issuer;

    private LocalStack(StackSettings settings, StackOverrides overrides) {
        this.settings = settings;
        this.overrides = overrides;
    }

    /** Starts every part; on any failure stops what was started and rethrows. */
    public static LocalStack start(StackSettings settings) {
        return start(settings, StackOverrides.NONE);
    }

    /** As {@link #start(StackSettings)}, with {@code overrides} on top of the stack's settings. */
    public static LocalStack start(StackSettings settings, StackOverrides overrides) {
        checkPortsFree(settings);
        LocalStack stack = new LocalStack(settings, overrides);
        try {
            stack.startParts();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** In order: the issuer, the peers, the Broker, each function's environment, the functions, the PingSources. */
    private void startParts() {
        startIssuer();
        startPeers();
        knative = KnativeConfig.load(settings.root().resolve("knative"));
        startBroker();
        environments.putAll(functionEnvironments());
        startFunctions();
        startPings();
    }

    /**
     * The service-account issuer, as the cluster's API server: it signs the local Broker's deliveries and pings and the
     * functions' own identities toward the Broker, and the functions verify its tokens with the configuration they
     * use on the cluster. Operators' commands (make dead-letters, make event, ...) get their token from it, as
     * {@code kubectl create token signup-operator} gives one on the cluster.
     */
    private void startIssuer() {
        issuer = new LocalIssuer().start(settings.issuerPort()).issuing(TOKEN_PATH, Senders::account);
        parts.add(issuer::stop);
    }

    /** Postgres (data kept in the run directory) and the SMTP server with its inbox. */
    private void startPeers() {
        database = new TestDatabase(settings.runDirectory().resolve("postgres"), settings.postgresPort());
        database.start();
        parts.add(database::stop);
        Map<String, String> scraped = new LinkedHashMap<>();
        scraped.put("render-html-fn", pageUrl());
        scraped.put("save-email-fn", saveUrl());
        scraped.put("send-email-fn", sendUrl());
        FunctionFigures figures = new FunctionFigures(scraped, FIGURES_EVERY, FIGURES_KEPT);
        parts.add(figures);
        inbox = new Inbox(settings.smtpPort(), settings.inboxPort(), timeline(), figures);
        parts.add(inbox);
    }

    /** What make event and the inbox's links read: send-email-fn's /events and the local Broker's deliveries. */
    public Timeline timeline() {
        return new Timeline(URI.create(sendUrl()), null, URI.create("http://localhost:" + settings.brokerPort()),
                () -> operatorAuthorization(LocalFunction.SEND_EMAIL.module()));
    }

    /** The local Broker with knative/'s delivery spec (retries shortened if overridden), routing to our ports. */
    private void startBroker() {
        var delivery = knative.broker().getSpec().getDelivery();
        if (overrides.brokerRetry() != null) {
            delivery.setRetry(overrides.brokerRetry());
        }
        if (overrides.brokerBackoffDelay() != null && !overrides.brokerBackoffDelay().isBlank()) {
            delivery.setBackoffDelay(overrides.brokerBackoffDelay());
        }
        Map<String, URI> services = Map.of(
                "render-html-fn", URI.create(pageUrl()),
                "save-email-fn", URI.create("http://localhost:" + settings.savePort() + "/"),
                "send-email-fn", URI.create("http://localhost:" + settings.sendPort() + "/"));
        resolve = name -> {
            URI url = services.get(name);
            if (url == null) {
                throw new IllegalStateException("knative/ refers to Service " + name + ", which the local stack does not run");
            }
            return url;
        };
        broker = new LocalBroker(knative, resolve, issuer, settings.brokerPort(), brokerStore());
        parts.add(() -> broker.close());
    }

    /** Each function's variables: its peers, the overrides, readable logs, and K_SINK where a SinkBinding says. */
    private Map<String, Map<String, String>> functionEnvironments() {
        Map<String, Map<String, String>> all = new HashMap<>();
        // The page is served on localhost and 127.0.0.1 alike: save-email-fn accepts the browser's calls from both.
        String saveUrl = "http://localhost:" + settings.savePort();
        Map<String, String> save = new HashMap<>(FunctionProcess.saveEmailEnvironment(database, null,
                List.of(pageOrigin("localhost"), pageOrigin("127.0.0.1"))));
        save.put("SIGNUP_PAGE_URL", pageOrigin("localhost"));
        all.put("save-email-fn", save);
        Map<String, String> send = new HashMap<>(FunctionProcess.databaseEnvironment(database));
        send.putAll(Map.of(
                "QUARKUS_MAILER_HOST", "localhost",
                "QUARKUS_MAILER_PORT", Integer.toString(settings.smtpPort()),
                "QUARKUS_MAILER_START_TLS", "DISABLED",
                "SIGNUP_LINKS_PAGE_URL", pageOrigin("localhost"),
                "SIGNUP_LINKS_ACTION_URL", saveUrl));
        all.put("send-email-fn", send);
        all.put("render-html-fn", new HashMap<>(Map.of("SAVE_EMAIL_URL", saveUrl + "/saveEmail")));
        overrides.environments().forEach((function, env) -> all.get(function).putAll(env));
        // Readable logs on a developer's machine; the prod profile would write JSON for a log collector.
        all.values().forEach(env -> env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"));
        // Each function trusts the local issuer, as it trusts the API server on the cluster.
        for (LocalFunction function : List.of(LocalFunction.SAVE_EMAIL, LocalFunction.SEND_EMAIL)) {
            all.get(function.module()).put("QUARKUS_OIDC_AUTH_SERVER_URL", issuer.url());
        }
        // The SinkBindings of knative/ decide who gets K_SINK, and the identity whose token a function sends to the
        // Broker, projected as a file and renewed, as on the cluster.
        String audience = Senders.brokerAudience(knative.broker().getMetadata().getName());
        for (SinkBinding binding : knative.sinkBindings()) {
            Map<String, String> env = all.get(binding.getSpec().getSubject().getName());
            env.put("K_SINK", broker.url().toString());
            String subject = Senders.sinkBinding(binding.getMetadata().getName());
            ProjectedToken token = new ProjectedToken(issuer.token(subject, audience));
            renewals.scheduleAtFixedRate(() -> token.renew(issuer.token(subject, audience)), TOKEN_RENEWAL.toMillis(),
                    TOKEN_RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
            env.put("SIGNUP_OIDC_TOKEN_FILE", token.file().toString());
        }
        return all;
    }

    /** The three functions at once, each waited for until ready; one that fails stops the others. */
    private void startFunctions() {
        parts.add(() -> functions.values().forEach(FunctionProcess::close));
        List<CompletableFuture<FunctionProcess>> starting = ports().keySet().stream()
                .map(name -> CompletableFuture.supplyAsync(() -> startFunction(name)))
                .toList();
        for (CompletableFuture<FunctionProcess> function : starting) {
            try {
                function.join();
            } catch (java.util.concurrent.CompletionException e) {
                starting.forEach(other -> other.thenAccept(FunctionProcess::close));
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
    }

    /** The PingSources of knative/, on their schedule or the overridden one. */
    private void startPings() {
        if (overrides.pingSchedule() != null && !overrides.pingSchedule().isBlank()) {
            knative.pingSources().forEach(ping -> ping.getSpec().setSchedule(overrides.pingSchedule()));
        }
        parts.add(new PingScheduler(knative.pingSources(), resolve, issuer));
    }

    private Map<String, Integer> ports() {
        return Map.of(LocalFunction.RENDER_HTML.module(), settings.pagePort(), LocalFunction.SAVE_EMAIL.module(),
                settings.savePort(), LocalFunction.SEND_EMAIL.module(),
                settings.sendPort());
    }

    private FunctionProcess startFunction(String name) {
        FunctionProcess process = FunctionProcess.start(settings.root(), name, ports().get(name), environments.get(name),
                settings.runDirectory().resolve("logs"));
        functions.put(name, process);
        return process;
    }

    private Path brokerStore() {
        return settings.runDirectory().resolve("broker");
    }

    /** Kills a function's process at once ({@code kill -9}), as a node failure or an OOM kill would. */
    public void kill(String function) {
        functions.get(function).kill();
    }

    /** Starts a function again on its port, with its environment, and waits until it is ready. */
    public void restart(String function) {
        functions.get(function).close();
        startFunction(function);
    }

    /** Stops Postgres and starts it again on its port and data, as a database failover would. */
    public void restartDatabase() {
        database.stop();
        database.start();
    }

    /** Stops the local Broker and starts it again on its port; deliveries it still had to make go on. */
    public void restartBroker() {
        stopBroker();
        resumeBroker();
    }

    /** Stops the local Broker: its port refuses connections, as a Broker that is down or being upgraded. */
    public void stopBroker() {
        broker.close();
    }

    /** Starts the local Broker again on its port, with the deliveries it still had to make. */
    public void resumeBroker() {
        broker = new LocalBroker(knative, resolve, issuer, settings.brokerPort(), brokerStore());
    }

    /** An operator's {@code Authorization} toward {@code function}, as {@code make dead-letters} sends it. */
    public String operatorAuthorization(String function) {
        return issuer.bearer(Senders.operator(), Senders.audience(function));
    }

    /** The local issuer, for tests that send as someone else. */
    public LocalIssuer issuer() {
        return issuer;
    }

    private static void checkPortsFree(StackSettings settings) {
        List<String> busy = new ArrayList<>();
        settings.ports().forEach((name, port) -> {
            try (ServerSocket probe = new ServerSocket(port)) {
                probe.setReuseAddress(true);
            } catch (IOException inUse) {
                busy.add("port " + port + " for " + name);
            }
        });
        if (!busy.isEmpty()) {
            throw new IllegalStateException("In use: " + String.join(", ", busy)
                    + ". Stop what uses it, or choose another port, e.g. make run RENDER_HTML_PORT=9080.");
        }
    }

    public String pageUrl() {
        return pageOrigin("localhost") + "/";
    }

    public String saveUrl() {
        return "http://localhost:" + settings.savePort();
    }

    public String sendUrl() {
        return "http://localhost:" + settings.sendPort();
    }

    /** The page's origin under {@code host}: make run serves it on localhost and 127.0.0.1. */
    public String pageOrigin(String host) {
        return "http://" + host + ":" + settings.pagePort();
    }

    public Inbox inbox() {
        return inbox;
    }

    public LocalBroker broker() {
        return broker;
    }

    public TestDatabase database() {
        return database;
    }

    @Override
    public void close() {
        renewals.shutdownNow();
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
        }
        parts.clear();
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("signup.root", ".")).toAbsolutePath().normalize();
        StackSettings settings = StackSettings.fromEnvironment(root);
        Files.createDirectories(settings.runDirectory());
        LocalStack stack;
        try {
            stack = start(settings, StackOverrides.fromEnvironment());
        } catch (IllegalStateException e) {
            System.err.println("make run: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping...");
            stack.close();
        }));
        System.out.printf("""

                Signup is running.
                  Sign up:        %s
                  Inbox:          %s  (JSON: %sapi/messages; function figures: %sfigures)
                  Local Broker:   %s  (deliveries: %sdeliveries)
                  Dead letters:   make dead-letters, make replay
                  Issuer:         %s  (service-account tokens; the functions verify every delivery's)
                  One event:      make event ID=<event id> (or EMAIL=<address>), or a mail's timeline link
                  Postgres data:  %s
                  Function logs:  %s
                Ctrl-C stops everything.
                """, stack.pageUrl(), stack.inbox().url(), stack.inbox().url(), stack.inbox().url(), stack.broker().url(),
                stack.broker().url(), stack.issuer().url(), settings.runDirectory().resolve("postgres"),
                settings.runDirectory().resolve("logs"));
        Thread.currentThread().join();
    }
}
