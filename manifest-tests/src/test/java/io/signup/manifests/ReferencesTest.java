package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.knative.duck.v1.KReference;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1.SinkBinding;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.signup.manifests.Manifests.Manifest;

/** Every reference points at a resource in k8s/ or knative/ (a cluster would accept a dangling one and wait). */
class ReferencesTest {

    private final List<Manifest> manifests = Manifests.all();

    @Test
    void eventingReferencesResolve() {
        List<String> dangling = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.resource() instanceof Trigger trigger) {
                check(dangling, m, "eventing.knative.dev/v1", "Broker", trigger.getSpec().getBroker());
                check(dangling, m, trigger.getSpec().getSubscriber().getRef());
            } else if (m.resource() instanceof Broker broker) {
                check(dangling, m, broker.getSpec().getDelivery().getDeadLetterSink().getRef());
            } else if (m.resource() instanceof SinkBinding binding) {
                var subject = binding.getSpec().getSubject();
                check(dangling, m, subject.getApiVersion(), subject.getKind(), subject.getName());
                check(dangling, m, binding.getSpec().getSink().getRef());
            } else if (m.resource() instanceof PingSource ping) {
                check(dangling, m, ping.getSpec().getSink().getRef());
            }
        }
        assertEquals(List.of(), dangling);
    }

    @Test
    void everyConfigMapAndSecretKeyAContainerReadsExists() {
        List<String> dangling = new ArrayList<>();
        for (Manifest m : manifests) {
            for (Container container : Containers.of(m.resource())) {
                if (container.getEnv() != null) {
                    container.getEnv().stream().filter(env -> env.getValueFrom() != null).forEach(env -> {
                        var from = env.getValueFrom();
                        if (from.getSecretKeyRef() != null && !keys(Secret.class, from.getSecretKeyRef().getName())
                                .contains(from.getSecretKeyRef().getKey())) {
                            dangling.add(m.name() + ": secret key " + from.getSecretKeyRef().getName() + "/"
                                    + from.getSecretKeyRef().getKey());
                        }
                        if (from.getConfigMapKeyRef() != null && !keys(ConfigMap.class,
                                from.getConfigMapKeyRef().getName()).contains(from.getConfigMapKeyRef().getKey())) {
                            dangling.add(m.name() + ": config map key " + from.getConfigMapKeyRef().getName() + "/"
                                    + from.getConfigMapKeyRef().getKey());
                        }
                    });
                }
                if (container.getEnvFrom() != null) {
                    container.getEnvFrom().forEach(source -> {
                        if (source.getConfigMapRef() != null && find(ConfigMap.class, source.getConfigMapRef().getName()).isEmpty()) {
                            dangling.add(m.name() + ": config map " + source.getConfigMapRef().getName());
                        }
                        if (source.getSecretRef() != null && find(Secret.class, source.getSecretRef().getName()).isEmpty()) {
                            dangling.add(m.name() + ": secret " + source.getSecretRef().getName());
                        }
                    });
                }
            }
        }
        assertEquals(List.of(), dangling);
    }

    @Test
    void aDanglingReferenceIsCaught() {
        List<String> dangling = new ArrayList<>();
        KReference missing = new KReference();
        missing.setApiVersion("serving.knative.dev/v1");
        missing.setKind("Service");
        missing.setName("nobody");
        check(dangling, manifests.get(0), missing);
        assertEquals(1, dangling.size());
        assertTrue(keys(Secret.class, "no-such-secret").isEmpty());
    }

    private void check(List<String> dangling, Manifest from, KReference ref) {
        check(dangling, from, ref.getApiVersion(), ref.getKind(), ref.getName());
    }

    private void check(List<String> dangling, Manifest from, String apiVersion, String kind, String name) {
        boolean found = manifests.stream().anyMatch(m -> m.resource().getApiVersion().equals(apiVersion)
                && m.kind().equals(kind) && m.name().equals(name));
        if (!found) {
            dangling.add(from.file().getFileName() + " -> " + apiVersion + " " + kind + " " + name);
        }
    }

    private <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return manifests.stream().map(Manifest::resource).filter(type::isInstance).map(type::cast)
                .filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    private List<String> keys(Class<? extends HasMetadata> type, String name) {
        return find(type, name).map(ReferencesTest::dataKeys).orElse(List.of());
    }

    static List<String> dataKeys(HasMetadata resource) {
        List<String> keys = new ArrayList<>();
        Map<String, String> data = resource instanceof ConfigMap map ? map.getData()
                : ((Secret) resource).getStringData();
        if (data != null) {
            keys.addAll(data.keySet());
        }
        if (resource instanceof Secret secret && secret.getData() != null) {
            keys.addAll(secret.getData().keySet());
        }
        return keys;
    }
}
