package io.signup.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.signup.peers.TestDatabase;

/**
 * 6. What one execution costs, as a platform that bills CPU and memory-time sees it: each function under steady
 * closed-loop load beside its floor app (the least an application on the same stack does for the same request),
 * measured in the same run. CPU milliseconds per call are the process's CPU time over the load window divided by the
 * calls served; MiB-seconds per call are its resident memory (mean of the window's start and end) times the window,
 * divided by the calls.
 */
final class Costs {

    /** One function beside its floor, each figure over the runs. */
    record Row(String app, String floor, Figure callsPerSecond, Figure cpuMillisPerCall, Figure floorCpuMillisPerCall,
            Figure mibSecondsPerCall, Figure floorMibSecondsPerCall, RoundTrips.Count roundTrips,
            RoundTrips.Count floorRoundTrips) {

        double cpuVsFloor() {
            return cpuMillisPerCall.median() / floorCpuMillisPerCall.median();
        }
    }

    /** One window's figures. */
    private record Window(double callsPerSecond, double cpuMillisPerCall, double mibSecondsPerCall) {
    }

    /** An application's windows, and its round trips to Postgres per call. */
    private record Measured(List<Window> windows, RoundTrips.Count roundTrips) {
    }

    static final int CONCURRENCY = 8;

    private final Runner jvm;
    private final TestDatabase database;
    private final int runs;
    private final Duration window;

    Costs(Runner jvm, TestDatabase database, int runs, Duration window) {
        this.jvm = jvm;
        this.database = database;
        this.runs = runs;
        this.window = window;
    }

    /** The function and its floor, each started once, warmed up, then measured over {@code runs} windows. */
    Row measure(App function, App floor) {
        Measured own = windows(function);
        Measured base = windows(floor);
        Bench.progress("cost %s: %.3f CPU ms/call, %.2f round trips (floor %.3f, %.2f)", function.name(),
                figure(own.windows(), Window::cpuMillisPerCall).median(), own.roundTrips().perCall(),
                figure(base.windows(), Window::cpuMillisPerCall).median(), base.roundTrips().perCall());
        return new Row(function.name(), floor.name(), figure(own.windows(), Window::callsPerSecond),
                figure(own.windows(), Window::cpuMillisPerCall), figure(base.windows(), Window::cpuMillisPerCall),
                figure(own.windows(), Window::mibSecondsPerCall), figure(base.windows(), Window::mibSecondsPerCall),
                own.roundTrips(), base.roundTrips());
    }

    private Measured windows(App app) {
        try (Launch launch = jvm.launch(app)) {
            launch.millisToFirstSuccess(app.request());
            Load load = new Load(launch.url(), app.request(), app.okStatus());
            load.forDuration(CONCURRENCY, window); // warm-up: JIT, pools, caches
            RoundTrips.Count roundTrips = RoundTrips.measure(database, load);
            List<Window> windows = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                double cpuBefore = launch.cpuSeconds();
                double rssBefore = launch.rssMib();
                Load.Result result = load.forDuration(CONCURRENCY, window);
                double cpu = launch.cpuSeconds() - cpuBefore;
                double rss = (rssBefore + launch.rssMib()) / 2;
                if (result.served() == 0) {
                    throw new IllegalStateException(app.name() + " served nothing; see its log");
                }
                windows.add(new Window(result.perSecond(), cpu * 1000 / result.served(),
                        rss * result.seconds() / result.served()));
            }
            return new Measured(windows, roundTrips);
        }
    }

    private static Figure figure(List<Window> windows, java.util.function.ToDoubleFunction<Window> value) {
        return Figure.of(windows.stream().map(value::applyAsDouble).toList());
    }
}
