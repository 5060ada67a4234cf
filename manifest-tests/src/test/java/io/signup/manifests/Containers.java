package io.signup.manifests;

import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** The containers a resource runs, whatever its kind. */
final class Containers {

    private Containers() {
    }

    static List<Container> of(HasMetadata resource) {
        if (resource instanceof io.fabric8.knative.serving.v1.Service service) {
            return service.getSpec().getTemplate().getSpec().getContainers();
        }
        if (resource instanceof io.fabric8.kubernetes.api.model.batch.v1.Job job) {
            return job.getSpec().getTemplate().getSpec().getContainers();
        }
        if (resource instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet set) {
            return set.getSpec().getTemplate().getSpec().getContainers();
        }
        return List.of();
    }
}
