package io.signup.manifests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What a native executable would freeze at build time. Quarkus initialises classes while it builds the image, so a
 * static initialiser runs once, on the build machine, and what it made is copied into every process. That is wrong
 * for state that must differ per process: a random source (its seed), a thread, a socket, the clock, the time zone,
 * the host, a temporary directory, the environment. GraalVM's own image-heap check finds some of it, but only in a
 * real native build; this reads the bytecode, so it runs in every {@code make test}.
 * <p>
 * Each static initialiser of a class initialised at build time is followed through the calls it makes into our own
 * classes (static methods, constructors). A class declared {@code --initialize-at-run-time} in a
 * {@code META-INF/native-image/.../native-image.properties} or in {@code quarkus.native.additional-build-args} is
 * skipped: that is where such state belongs.
 */
final class BuildTimeInit {

    /** Types whose instances hold per-process state; made or held statically, they would be frozen. */
    private static final Map<String, String> PER_PROCESS_TYPES = Map.ofEntries(
            Map.entry("java.util.Random", "a random source (its seed state)"),
            Map.entry("java.util.SplittableRandom", "a random source (its seed state)"),
            Map.entry("java.lang.Thread", "a thread"),
            Map.entry("java.util.concurrent.Executor", "threads (an executor)"),
            Map.entry("java.util.Timer", "a timer thread"),
            Map.entry("java.net.Socket", "a socket"),
            Map.entry("java.net.ServerSocket", "a socket"),
            Map.entry("java.net.DatagramSocket", "a socket"),
            Map.entry("java.nio.channels.Channel", "a channel"),
            Map.entry("java.io.FileDescriptor", "a file descriptor"),
            Map.entry("java.lang.Process", "a process"),
            Map.entry("java.net.InetAddress", "a resolved host address"));

    /** Calls whose answer differs per process or per machine: owner, then method names. */
    private static final Map<String, Set<String>> PER_PROCESS_CALLS = Map.ofEntries(
            Map.entry("java/lang/System", Set.of("getenv", "getProperty", "getProperties", "currentTimeMillis",
                    "nanoTime", "identityHashCode")),
            Map.entry("java/lang/Integer", Set.of("getInteger")),
            Map.entry("java/lang/Long", Set.of("getLong")),
            Map.entry("java/lang/Boolean", Set.of("getBoolean")),
            Map.entry("java/lang/Math", Set.of("random")),
            Map.entry("java/lang/Runtime", Set.of("availableProcessors", "maxMemory", "totalMemory", "freeMemory")),
            Map.entry("java/lang/ProcessHandle", Set.of("current")),
            Map.entry("java/util/UUID", Set.of("randomUUID")),
            Map.entry("java/util/concurrent/ThreadLocalRandom", Set.of("current")),
            Map.entry("java/util/concurrent/Executors", Set.of("*")),
            Map.entry("java/util/TimeZone", Set.of("getDefault")),
            Map.entry("java/util/Locale", Set.of("getDefault")),
            Map.entry("java/time/ZoneId", Set.of("systemDefault")),
            Map.entry("java/time/Clock", Set.of("systemDefaultZone")),
            Map.entry("java/time/Instant", Set.of("now")),
            Map.entry("java/time/LocalDate", Set.of("now")),
            Map.entry("java/time/LocalDateTime", Set.of("now")),
            Map.entry("java/time/LocalTime", Set.of("now")),
            Map.entry("java/time/OffsetDateTime", Set.of("now")),
            Map.entry("java/time/ZonedDateTime", Set.of("now")),
            Map.entry("java/net/InetAddress", Set.of("getLocalHost", "getByName", "getAllByName")),
            Map.entry("java/nio/file/Files", Set.of("createTempFile", "createTempDirectory")),
            Map.entry("java/io/File", Set.of("createTempFile")));

    private static final Pattern RUN_TIME = Pattern.compile("--initialize-at-run-time=(\\S+)");

    /** One finding: the class initialised at build time, and what its initialiser would freeze. */
    record Finding(String initialisedClass, String where, String what) {
        @Override
        public String toString() {
            return initialisedClass + " (initialised at build time): " + where + " " + what;
        }
    }

    private final Map<String, Method> methods = new HashMap<>();
    private final Map<String, List<String>> staticFieldTypes = new HashMap<>();
    private final Set<String> classes = new HashSet<>();
    private final Set<String> runTimeInitialised = new HashSet<>();

    /** Reads every class under {@code io/signup} in {@code roots}, and the classes they declare run-time initialised. */
    static BuildTimeInit of(List<Path> roots) {
        BuildTimeInit scan = new BuildTimeInit();
        for (Path root : roots) {
            scan.read(root);
        }
        return scan;
    }

    /** Where {@code type}'s module keeps its classes: its target/classes, or its jar once the reactor packaged it. */
    static Path rootOf(Class<?> type) {
        try {
            Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(location) ? location : FileSystems.newFileSystem(location).getPath("/");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Set<String> classes() {
        return Set.copyOf(classes);
    }

    Set<String> runTimeInitialised() {
        return Set.copyOf(runTimeInitialised);
    }

    /** What the static initialisers of the classes initialised at build time would freeze into the image. */
    List<Finding> findings() {
        List<Finding> findings = new ArrayList<>();
        classes.stream().sorted().filter(name -> !runTimeInitialised.contains(name)).forEach(name -> {
            staticFieldTypes.getOrDefault(name, List.of()).forEach(type -> perProcess(type).ifPresent(what ->
                    findings.add(new Finding(name, "static field of type " + type, "holds " + what))));
            followInitialiser(name, findings);
        });
        return findings;
    }

    private void followInitialiser(String name, List<Finding> findings) {
        Deque<String> pending = new ArrayDeque<>(List.of(key(name, "<clinit>", "()V")));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String current = pending.pop();
            Method method = methods.get(current);
            if (method == null || !seen.add(current)) {
                continue;
            }
            for (String made : method.instantiated) {
                perProcess(made).ifPresent(what -> findings.add(new Finding(name, method.name + " makes a " + made,
                        "(" + what + ")")));
            }
            for (Call call : method.calls) {
                Set<String> names = PER_PROCESS_CALLS.get(call.owner);
                if (names != null && (names.contains("*") || names.contains(call.name))) {
                    findings.add(new Finding(name, method.name + " calls " + call.owner.replace('/', '.') + "."
                            + call.name, "(differs per process or machine)"));
                }
                // Our own code is followed, unless the callee's class is itself initialised at run time.
                if (classes.contains(call.className()) && !runTimeInitialised.contains(call.className())) {
                    pending.push(key(call.className(), call.name, call.descriptor));
                }
            }
        }
    }

    private static Optional<String> perProcess(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, false, BuildTimeInit.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
        return PER_PROCESS_TYPES.entrySet().stream().filter(entry -> assignable(entry.getKey(), type))
                .map(Map.Entry::getValue).findFirst();
    }

    private static boolean assignable(String to, Class<?> type) {
        try {
            return Class.forName(to).isAssignableFrom(type);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private void read(Path root) {
        Path ours = root.resolve("io/signup");
        if (Files.isDirectory(ours)) {
            try (Stream<Path> files = Files.walk(ours)) {
                files.filter(file -> file.toString().endsWith(".class")).forEach(this::readClass);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        readRunTimeDeclarations(root);
    }

    private void readRunTimeDeclarations(Path root) {
        List<String> args = new ArrayList<>();
        Path nativeImage = root.resolve("META-INF/native-image");
        if (Files.isDirectory(nativeImage)) {
            try (Stream<Path> files = Files.walk(nativeImage)) {
                files.filter(file -> file.getFileName().toString().equals("native-image.properties"))
                        .forEach(file -> args.add(properties(file).getProperty("Args", "")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path application = root.resolve("application.properties");
        if (Files.isRegularFile(application)) {
            args.add(properties(application).getProperty("quarkus.native.additional-build-args", ""));
        }
        for (String arg : args) {
            Matcher matcher = RUN_TIME.matcher(arg);
            while (matcher.find()) {
                runTimeInitialised.addAll(Arrays.asList(matcher.group(1).split("[,\\\\]+")));
            }
        }
    }

    private static Properties properties(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private void readClass(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            new ClassReader(in).accept(new ClassScanner(), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(String className, String name, String descriptor) {
        return className + "." + name + descriptor;
    }

    private record Call(String owner, String name, String descriptor) {
        String className() {
            return owner.replace('/', '.');
        }
    }

    private static final class Method {
        final String name;
        final List<String> instantiated = new ArrayList<>();
        final List<Call> calls = new ArrayList<>();

        Method(String name) {
            this.name = name;
        }
    }

    private final class ClassScanner extends ClassVisitor {
        private String className;

        ClassScanner() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            className = name.replace('/', '.');
            classes.add(className);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            Type type = Type.getType(descriptor);
            if ((access & Opcodes.ACC_STATIC) != 0 && type.getSort() == Type.OBJECT) {
                staticFieldTypes.computeIfAbsent(className, c -> new ArrayList<>()).add(type.getClassName());
            }
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            Method method = new Method(className.substring(className.lastIndexOf('.') + 1) + "." + name);
            methods.put(key(className, name, descriptor), method);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitTypeInsn(int opcode, String type) {
                    if (opcode == Opcodes.NEW) {
                        method.instantiated.add(type.replace('/', '.'));
                    }
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String callee, String calleeDescriptor,
                        boolean isInterface) {
                    method.calls.add(new Call(owner, callee, calleeDescriptor));
                }
            };
        }
    }
}
