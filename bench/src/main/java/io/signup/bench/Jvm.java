package io.signup.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How make bench starts every application: which java, with which options, logs where. */
record Jvm(Path java, List<String> options, Path logs) {

    /** Starts {@code app} with these options, then {@code extraArgs}. */
    Launch launch(App app, List<String> extraArgs) {
        List<String> args = new ArrayList<>(options);
        args.addAll(extraArgs);
        return app.launch(java, args, logs);
    }

    Launch launch(App app) {
        return launch(app, List.of());
    }

    /** The same options with another JDK. */
    Jvm with(Path otherJava) {
        return new Jvm(otherJava, options, logs);
    }
}
