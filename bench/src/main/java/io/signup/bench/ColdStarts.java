package io.signup.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 1 and 5. Process start to the first 2xx of a real request, RSS then, and RSS after 1,000 more requests
 * (concurrency 4), with the part of it that maps files. The apps alternate run by run, so a slow spell of the machine hits all of them.
 */
final class ColdStarts {

    static final int REQUESTS_BEFORE_RSS = 1000;

    /** One app's figures; {@code startVsFirst}: its start over the first app's (the empty REST app). */
    record Row(String app, Figure startMillis, Figure rssMibAtFirstResponse, Figure rssMibAfter1000Requests,
            Figure fileMibAfter1000Requests, Figure failedOf1000, double startVsFirst) {
    }

    private ColdStarts() {
    }

    static List<Row> run(Runner jvm, List<App> apps, int runs) {
        Map<App, List<double[]>> samples = new LinkedHashMap<>();
        for (int run = 1; run <= runs; run++) {
            for (App app : apps) {
                try (Launch launch = jvm.launch(app)) {
                    double millis = launch.millisToFirstSuccess(app.request());
                    double rssFirst = launch.rssMib();
                    Load.Result load = new Load(launch.url(), app.request(), app.okStatus())
                            .forRequests(4, REQUESTS_BEFORE_RSS);
                    double rssAfter = launch.rssMib();
                    double fileAfter = launch.rssFileMib();
                    samples.computeIfAbsent(app, a -> new ArrayList<>())
                            .add(new double[] {millis, rssFirst, rssAfter, fileAfter, load.failed()});
                    Bench.progress("cold start %d/%d %s: %.0f ms, %.1f MiB, %.1f MiB after %d requests (%d failed)",
                            run, runs, app.name(), millis, rssFirst, rssAfter, REQUESTS_BEFORE_RSS, load.failed());
                }
            }
        }
        double first = Bench.column(samples.get(apps.get(0)), 0).median();
        List<Row> rows = new ArrayList<>();
        samples.forEach((app, values) -> rows.add(new Row(app.name(), Bench.column(values, 0),
                Bench.column(values, 1), Bench.column(values, 2), Bench.column(values, 3), Bench.column(values, 4),
                Bench.column(values, 0).median() / first)));
        return rows;
    }
}
