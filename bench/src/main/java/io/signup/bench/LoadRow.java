package io.signup.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Closed-loop runs at one concurrency: rate, p50 and p99, each over the runs, and the failed requests. */
record LoadRow(int concurrency, Figure perSecond, Figure p50Millis, Figure p99Millis, long failed) {

    static LoadRow measure(Load load, int concurrency, int runs, Duration time) {
        List<Double> rate = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        long failed = 0;
        for (int run = 0; run < runs; run++) {
            Load.Result result = load.forDuration(concurrency, time);
            rate.add(result.perSecond());
            p50.add(result.percentileMillis(50));
            p99.add(result.percentileMillis(99));
            failed += result.failed();
        }
        return new LoadRow(concurrency, Figure.of(rate), Figure.of(p50), Figure.of(p99), failed);
    }
}
