package io.signup.local;

import java.util.Map;

import io.cloudevents.CloudEvent;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.Trigger;

/**
 * Knative's Trigger filter semantics: {@code filter.attributes} is an exact match on every listed attribute (an empty
 * value matches any value); when {@code filters} is set it wins, each item one dialect, all items must match.
 */
final class TriggerFilter {

    private TriggerFilter() {
    }

    static boolean matches(Trigger trigger, CloudEvent event) {
        var spec = trigger.getSpec();
        if (spec.getFilters() != null && !spec.getFilters().isEmpty()) {
            return spec.getFilters().stream().allMatch(filter -> matches(filter, event));
        }
        if (spec.getFilter() == null || spec.getFilter().getAttributes() == null) {
            return true;
        }
        return spec.getFilter().getAttributes().entrySet().stream()
                .allMatch(e -> e.getValue().isEmpty() || e.getValue().equals(attribute(event, e.getKey())));
    }

    /** One Subscriptions API filter (also an EventPolicy's). */
    static boolean matches(SubscriptionsAPIFilter filter, CloudEvent event) {
        if (filter.getExact() != null && !filter.getExact().isEmpty()) {
            return all(filter.getExact(), event, (value, wanted) -> value.equals(wanted));
        }
        if (filter.getPrefix() != null && !filter.getPrefix().isEmpty()) {
            return all(filter.getPrefix(), event, String::startsWith);
        }
        if (filter.getSuffix() != null && !filter.getSuffix().isEmpty()) {
            return all(filter.getSuffix(), event, String::endsWith);
        }
        if (filter.getAll() != null && !filter.getAll().isEmpty()) {
            return filter.getAll().stream().allMatch(f -> matches(f, event));
        }
        if (filter.getAny() != null && !filter.getAny().isEmpty()) {
            return filter.getAny().stream().anyMatch(f -> matches(f, event));
        }
        if (filter.getNot() != null) {
            return !matches(filter.getNot(), event);
        }
        if (filter.getCesql() != null && !filter.getCesql().isBlank()) {
            throw new UnsupportedOperationException("the local Broker does not evaluate CESQL filters");
        }
        return true;
    }

    private static boolean all(Map<String, String> wanted, CloudEvent event,
            java.util.function.BiPredicate<String, String> test) {
        return wanted.entrySet().stream().allMatch(e -> {
            String value = attribute(event, e.getKey());
            return value != null && test.test(value, e.getValue());
        });
    }

    /** A context attribute or extension, as a string. */
    static String attribute(CloudEvent event, String name) {
        Object value = event.getAttributeNames().contains(name) ? event.getAttribute(name) : event.getExtension(name);
        return value == null ? null : value.toString();
    }
}
