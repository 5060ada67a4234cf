package io.signup.contract;

/**
 * Who may call whom, named as Knative's authentication-oidc names it (knative/eventing {@code pkg/auth}): a
 * Trigger, PingSource or SinkBinding sends with the token of a service account Knative makes for it, named
 * {@code <resource>-oidc-<group>-<kind>}, so the token's subject is
 * {@code system:serviceaccount:<namespace>:<that name>}. A receiver accepts a token only for its own audience, which
 * the sender's {@code audience} field names in knative/. Defined once here: the functions' allowed subjects, the
 * manifests, the local Broker that signs deliveries in {@code make run} and the tests are checked against it.
 */
public final class Senders {

    /** The namespace everything runs in (k8s/00-namespace.yaml). */
    public static final String NAMESPACE = "signup";
    /** The operators' service account: {@code kubectl create token signup-operator --audience <function's>}. */
    public static final String OPERATOR_ACCOUNT = "signup-operator";
    /** Kubernetes' limit on a name, which Knative's {@code kmeta.ChildName} keeps by hashing longer ones. */
    private static final int MAX_NAME = 63;

    private Senders() {
    }

    /** The audience a function accepts tokens for: {@code serving.knative.dev/service/signup/<service>}. */
    public static String audience(String service) {
        return "serving.knative.dev/service/" + NAMESPACE + "/" + service;
    }

    /** The audience of a Broker, which its senders' tokens name: {@code eventing.knative.dev/broker/<ns>/<name>}. */
    public static String brokerAudience(String broker) {
        return "eventing.knative.dev/broker/" + NAMESPACE + "/" + broker;
    }

    /** The subject of the tokens a Trigger's deliveries (and its dead letters) carry. */
    public static String trigger(String name) {
        return account(name + "-oidc-eventing.knative.dev-trigger");
    }

    /** The subject of a PingSource's pings. */
    public static String pingSource(String name) {
        return account(name + "-oidc-sources.knative.dev-pingsource");
    }

    /** The subject a SinkBinding projects into its function, which it sends to the Broker. */
    public static String sinkBinding(String name) {
        return account(name + "-oidc-sources.knative.dev-sinkbinding");
    }

    /** The operators' subject. */
    public static String operator() {
        return account(OPERATOR_ACCOUNT);
    }

    /** The subject of the namespace's service account {@code name}. */
    public static String account(String name) {
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException("Knative would shorten this service account name: " + name);
        }
        return "system:serviceaccount:" + NAMESPACE + ":" + name;
    }
}
