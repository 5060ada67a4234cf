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
import io.signup.peers.Packaging;

/**
 * An application make bench starts: its module (packaged as a jar or a native executable), environment, the real
 * request it serves (and whose 2xx ends its start), and the memory its JVM container would have
 * ({@code -XX:MaxRAM}, so the JVM sizes its heap as in the pod; 0: the machine's).
 */
record App(String name, Path root, String module, Map<String, String> env, Function<URI, HttpRequest> request,
        int okStatus, int memoryLimitMib) {

    /** Starts it as {@code runner} says, with {@code jvmArgs} for a jar, on a free port; output in logs/name.log. */
    Launch launch(Runner runner, List<String> jvmArgs) {
        List<String> args = new ArrayList<>(jvmArgs);
        if (memoryLimitMib > 0) {
            args.add("-XX:MaxRAM=" + memoryLimitMib + "m");
        }
        Packaging packaging = runner.packaging();
        List<String> command = packaging.command(packaging.require(root, module), runner.java(), args);
        return Launch.start(name, command, FunctionProcess.freePort(), env,
                runner.logs().resolve(name.replace(' ', '-') + (packaging == Packaging.NATIVE ? "-native" : "")
                        + ".log"));
    }

    /** Whether {@code packaging} has been built for it. */
    boolean builtAs(Packaging packaging) {
        return packaging.artifact(root, module).isPresent();
    }

    App withEnv(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(more);
        return new App(name, root, module, merged, request, okStatus, memoryLimitMib);
    }
}
