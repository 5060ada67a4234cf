package io.signup.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.signup.peers.Packaging;

/**
 * How make bench starts every application: as a jar (which java, with which options) or as a native executable, logs
 * where.
 */
record Runner(Packaging packaging, Path java, List<String> options, Path logs) {

    /** Starts {@code app} with these options, then {@code extraArgs} (JVM options: a jar's only). */
    Launch launch(App app, List<String> extraArgs) {
        List<String> args = new ArrayList<>(options);
        args.addAll(extraArgs);
        return app.launch(this, args);
    }

    Launch launch(App app) {
        return launch(app, List.of());
    }

    /** The same options with another JDK. */
    Runner with(Path otherJava) {
        return new Runner(packaging, otherJava, options, logs);
    }

    /** The apps' native executables instead of their jars. */
    Runner nativeExecutables() {
        return new Runner(Packaging.NATIVE, java, List.of(), logs);
    }
}
