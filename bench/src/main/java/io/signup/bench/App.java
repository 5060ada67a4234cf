package io.signup.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.signup.peers.FunctionProcess;

/**
 * An application make bench starts: its jar, environment, the real request it serves (and whose 2xx ends its start),
 * and the memory its container would have ({@code -XX:MaxRAM}, so the JVM sizes its heap as in the pod; 0: the
 * machine's).
 */
record App(String name, Path jar, Map<String, String> env, Function<URI, HttpRequest> request, int okStatus,
        int memoryLimitMib) {

    /** Starts it with {@code java} and {@code jvmArgs} on a free port, its output in {@code logs}/name.log. */
    Launch launch(Path java, List<String> jvmArgs, Path logs) {
        List<String> args = new ArrayList<>(jvmArgs);
        if (memoryLimitMib > 0) {
            args.add("-XX:MaxRAM=" + memoryLimitMib + "m");
        }
        return Launch.start(name, java, args, jar, FunctionProcess.freePort(), env,
                logs.resolve(name.replace(' ', '-') + ".log"));
    }

    App withEnv(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(more);
        return new App(name, jar, merged, request, okStatus, memoryLimitMib);
    }
}
