package io.signup.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * An OIDC token file as Knative's SinkBinding projects it into a function ({@code /oidc/token}), renewed by
 * replacing the file at once, as the kubelet swaps a projected volume's contents. The function reads it through its
 * standard keys, here re-read every 200 ms.
 */
public final class ProjectedToken {

    private final Path file;

    public ProjectedToken(String token) {
        try {
            file = Files.createTempDirectory("oidc").resolve("token");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        renew(token);
    }

    public void renew(String token) {
        try {
            Path next = Files.writeString(file.resolveSibling("token.next"), token);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file() {
        return file;
    }

    public Map<String, String> config() {
        return Map.of("signup.oidc.token-file", file.toString(), "signup.oidc.token-reread", "PT0.2S");
    }
}
