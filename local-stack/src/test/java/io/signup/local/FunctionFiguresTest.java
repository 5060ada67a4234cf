package io.signup.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** What changed between two scrapes, also across a restart, where every counter starts again from zero. */
class FunctionFiguresTest {

    @Test
    void anIntervalIsTheDifferenceOfTwoScrapesOfOneProcess() {
        Stats.Figures before = figures(100, 1, 2.0, 1000, 90, 100);
        FunctionFigures.Interval interval = FunctionFigures.between(before,
                new FunctionFigures.Scrape(Instant.EPOCH, figures(110, 3, 2.05, 1000, 90, 110)));

        assertEquals(10, interval.invocations());
        assertEquals(2, interval.errors());
        assertEquals(5.0, interval.cpuMsPerCall(), 1e-9, "50 ms of CPU over 10 calls");
        // Of the 10 new requests none is under 5 ms and all are under 100 ms: both quantiles are the 100 ms bound.
        assertEquals(100.0, interval.p50Ms(), 1e-9);
        assertEquals(100.0, interval.p99Ms(), 1e-9);
    }

    @Test
    void afterARestartTheNewProcessCountsAreTheChangeAndAnIdleIntervalHasNoLatency() {
        Stats.Figures before = figures(100, 1, 2.0, 1000, 90, 100);
        FunctionFigures.Interval restarted = FunctionFigures.between(before,
                new FunctionFigures.Scrape(Instant.EPOCH, figures(4, 0, 0.8, 2000, 0, 4)));
        assertEquals(4, restarted.invocations());
        assertEquals(200.0, restarted.cpuMsPerCall(), 1e-9);

        FunctionFigures.Interval idle = FunctionFigures.between(before,
                new FunctionFigures.Scrape(Instant.EPOCH, before));
        assertEquals(0, idle.invocations());
        assertTrue(Double.isNaN(idle.p50Ms()) && Double.isNaN(idle.cpuMsPerCall()));
    }

    @Test
    void eachNewProcessIsOneColdStart() {
        // Nothing answers at port 1: the figures here are only the ones added.
        try (FunctionFigures figures = new FunctionFigures(Map.of("fn", "http://localhost:1"), Duration.ofHours(1), 3)) {
            figures.add("fn", new FunctionFigures.Scrape(Instant.EPOCH, figures(1, 0, 1, 1000, 0, 1)));
            figures.add("fn", new FunctionFigures.Scrape(Instant.EPOCH, figures(2, 0, 1, 1000, 0, 2)));
            figures.add("fn", new FunctionFigures.Scrape(Instant.EPOCH, figures(1, 0, 1, 2000, 0, 1)));
            assertEquals(2, figures.starts("fn"));
            figures.add("fn", new FunctionFigures.Scrape(Instant.EPOCH, figures(3, 0, 1, 2000, 0, 3)));
            assertEquals(2, figures.intervals("fn").size(), "three scrapes kept, two intervals");
        }
    }

    /** Requests below 5 ms, below 100 ms and in all. */
    private static Stats.Figures figures(double invocations, double errors, double cpuSeconds, double startedAt,
            double under5ms, double under100ms) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        buckets.put(0.005, under5ms);
        buckets.put(0.1, under100ms);
        buckets.put(Double.POSITIVE_INFINITY, invocations);
        return new Stats.Figures(invocations, errors, cpuSeconds, buckets, startedAt, 0.5);
    }
}
