package io.signup.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1alpha1.EventPolicy;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1.SinkBinding;

/** The eventing part of knative/: what the local Broker routes by. Read, never copied. */
record KnativeConfig(Broker broker, List<Trigger> triggers, List<SinkBinding> sinkBindings,
        List<PingSource> pingSources, List<EventPolicy> eventPolicies) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static KnativeConfig load(Path folder) {
        List<String> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                documents.add(Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder, e);
        }
        return parse(documents);
    }

    static KnativeConfig parse(List<String> documents) {
        Broker broker = null;
        List<Trigger> triggers = new ArrayList<>();
        List<SinkBinding> bindings = new ArrayList<>();
        List<PingSource> pings = new ArrayList<>();
        List<EventPolicy> policies = new ArrayList<>();
        try {
            for (String document : documents) {
                JsonNode tree = YAML.readTree(document);
                switch (tree.path("apiVersion").asText() + "/" + tree.path("kind").asText()) {
                    case "eventing.knative.dev/v1/Broker" -> broker = YAML.treeToValue(tree, Broker.class);
                    case "eventing.knative.dev/v1/Trigger" -> triggers.add(YAML.treeToValue(tree, Trigger.class));
                    case "sources.knative.dev/v1/SinkBinding" -> bindings.add(YAML.treeToValue(tree, SinkBinding.class));
                    case "sources.knative.dev/v1/PingSource" -> pings.add(YAML.treeToValue(tree, PingSource.class));
                    case "eventing.knative.dev/v1alpha1/EventPolicy" ->
                        policies.add(YAML.treeToValue(tree, EventPolicy.class));
                    default -> {
                        // Services, kustomization: not the Broker's business
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (broker == null) {
            throw new IllegalStateException("no Broker in the manifests");
        }
        return new KnativeConfig(broker, triggers, bindings, pings, policies);
    }
}
