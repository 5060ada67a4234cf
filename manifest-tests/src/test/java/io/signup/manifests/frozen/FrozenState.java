package io.signup.manifests.frozen;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/** Classes whose static initialisers a native build would run on the build machine: what the guard must catch. */
public final class FrozenState {

    private FrozenState() {
    }

    /** LinkToken as it was when the first real native build failed on it. */
    public static final class OldLinkToken {
        private static final SecureRandom RANDOM = new SecureRandom();

        public static String generate() {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
    }

    /** The build machine's time zone, read once. */
    public static final class ZoneAtStart {
        public static final ZoneId ZONE = ZoneId.systemDefault();
    }

    /** The environment of the build, read once. */
    public static final class SinkAtStart {
        public static final String SINK = System.getenv("K_SINK");
    }

    /** A thread pool made through a helper in another class, held as Object: found by what the code calls. */
    public static final class PoolThroughHelper {
        public static final Object POOL = Pools.make();
    }

    static final class Pools {
        static ExecutorService make() {
            return Executors.newFixedThreadPool(2);
        }
    }

    /** The same random source, in a class declared initialised at run time (test resources' native-image.properties). */
    public static final class RunTimeHolder {
        public static final SecureRandom RANDOM = new SecureRandom();
    }

    /** Constants that are the same on every machine. */
    public static final class Constants {
        public static final Pattern FORM = Pattern.compile("[a-z]+");
        public static final Duration TIMEOUT = Duration.ofSeconds(2);
    }
}
