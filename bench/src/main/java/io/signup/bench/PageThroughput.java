package io.signup.bench;

import java.time.Duration;

/** 4. render-html-fn: the page at concurrency 32, gzip, after a warm-up. */
final class PageThroughput {

    static final int CONCURRENCY = 32;

    private PageThroughput() {
    }

    static LoadRow run(Runner jvm, App render, int runs, Duration time) {
        try (Launch launch = jvm.launch(render)) {
            launch.millisToFirstSuccess(render.request());
            Load load = new Load(launch.url(), render.request(), render.okStatus());
            load.forDuration(CONCURRENCY, Duration.ofSeconds(3)); // warm-up
            return LoadRow.measure(load, CONCURRENCY, runs, time);
        }
    }
}
