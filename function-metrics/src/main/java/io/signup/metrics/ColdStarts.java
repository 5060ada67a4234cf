package io.signup.metrics;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What a cold start costs, where {@code make bench} cannot look: on the cluster, per pod. Each process counts its
 * start ({@code function_starts_total}, 1 per process) and, once it has served its first request, exports how long
 * after the process started that request was answered ({@code function_cold_start_seconds}) and the CPU time the
 * process had used by then ({@code function_cold_start_cpu_seconds}). Requests under the non-application root
 * ({@code /q/}: probes, scrapes) do not count: queue-proxy probes a new pod before Knative routes it any traffic.
 */
@ApplicationScoped
public class ColdStarts {

    /** Ahead of every other route, the cluster-only check included, so every served request is seen. */
    private static final int ORDER = -2000;

    private final MeterRegistry metrics;
    private final String nonApplicationRoot;
    private final AtomicBoolean served = new AtomicBoolean();

    public ColdStarts(MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q") String root) {
        this.metrics = metrics;
        this.nonApplicationRoot = "/" + root.replaceAll("^/+|/+$", "") + "/";
    }

    /**
     * 1 for this process, read at each scrape rather than incremented once: a counter incremented at startup can be
     * lost when a registry joins the composite after it (seen as 0 in two of the three functions).
     */
    void started(@Observes StartupEvent event) {
        FunctionCounter.builder("function.starts", this, process -> 1.0)
                .description("Processes started: 1 per process, summed over pods for the starts").register(metrics);
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::watch);
    }

    private void watch(RoutingContext context) {
        if (!served.get() && !context.request().path().startsWith(nonApplicationRoot)) {
            context.addEndHandler(done -> firstServed());
        }
        context.next();
    }

    private void firstServed() {
        if (!served.compareAndSet(false, true)) {
            return;
        }
        Duration sinceStart = Duration.ofMillis(
                System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
        Duration cpu = Duration.ofNanos(processCpuNanos());
        // Held strongly: a gauge keeps only a weak reference, and these values have no other owner (collected, the
        // gauge reads NaN).
        Gauge.builder("function.cold.start", sinceStart, ColdStarts::seconds).strongReference(true)
                .baseUnit("seconds")
                .description("From the process start to the end of its first request outside /q/").register(metrics);
        Gauge.builder("function.cold.start.cpu", cpu, ColdStarts::seconds).strongReference(true).baseUnit("seconds")
                .description("CPU time the process had used when its first request ended").register(metrics);
        Log.infof("First request served %d ms after the process started, with %d ms of CPU", sinceStart.toMillis(),
                cpu.toMillis());
    }

    /** The same source as Micrometer's {@code process_cpu_time_ns_total}. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(os.getProcessCpuTime(), 0)
                : 0;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
