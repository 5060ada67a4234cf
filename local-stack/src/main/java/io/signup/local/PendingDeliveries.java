package io.signup.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;

/**
 * The local Broker's deliveries still to make, one file each (the event in CloudEvents JSON, its Trigger, the next
 * attempt), written before the Broker answers 202 and removed when the delivery ends: a restarted Broker picks them
 * up, as a durable Broker class does. Without a folder, deliveries live in memory only.
 */
final class PendingDeliveries {

    /** One delivery to make. */
    record Pending(String key, String trigger, int attempt, CloudEvent event) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat FORMAT = new JsonFormat();

    private final Path folder;

    /** @param folder where the files go; null to keep nothing */
    PendingDeliveries(Path folder) {
        this.folder = folder;
        if (folder != null) {
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Pending add(CloudEvent event, String trigger) {
        Pending pending = new Pending(UUID.randomUUID().toString(), trigger, 1, event);
        write(pending);
        return pending;
    }

    Pending next(Pending pending) {
        Pending next = new Pending(pending.key(), pending.trigger(), pending.attempt() + 1, pending.event());
        write(next);
        return next;
    }

    void done(Pending pending) {
        if (folder != null) {
            try {
                Files.deleteIfExists(file(pending.key()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What an earlier run of the Broker left to deliver. */
    List<Pending> load() {
        List<Pending> pending = new ArrayList<>();
        if (folder == null) {
            return pending;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                ObjectNode node = (ObjectNode) JSON.readTree(file.toFile());
                pending.add(new Pending(file.getFileName().toString().replace(".json", ""),
                        node.get("trigger").asText(), node.get("attempt").asInt(),
                        FORMAT.deserialize(JSON.writeValueAsBytes(node.get("event")))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pending;
    }

    private void write(Pending pending) {
        if (folder == null) {
            return;
        }
        try {
            ObjectNode node = JSON.createObjectNode().put("trigger", pending.trigger()).put("attempt", pending.attempt());
            node.set("event", JSON.readTree(FORMAT.serialize(pending.event())));
            Path temporary = folder.resolve(pending.key() + ".tmp");
            JSON.writeValue(temporary.toFile(), node);
            Files.move(temporary, file(pending.key()), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String key) {
        return folder.resolve(key + ".json");
    }
}
