package io.signup.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.signup.contract.LinkToken;
import io.signup.http.CloudEventGate;
import io.signup.manifests.BuildTimeInit.Finding;
import io.signup.manifests.frozen.FrozenState;
import io.signup.metrics.ClusterOnlyEndpoints;
import io.signup.renderhtml.rest.PageResource;
import io.signup.saveemail.function.SaveEmailFunctions;
import io.signup.sendemail.function.SendEmailFunctions;

/**
 * Nothing per process is made while a native executable is built (BuildTimeInit says why). A native build on a
 * GraalVM finds part of this too, but only there; this finds it in every test run, without one.
 */
class BuildTimeInitTest {

    /** Every class the three executables are built from: the functions and the libraries of this repository. */
    @Test
    void noClassOfTheFunctionsFreezesPerProcessStateIntoTheImage() {
        BuildTimeInit functions = BuildTimeInit.of(List.of(BuildTimeInit.rootOf(LinkToken.class),
                BuildTimeInit.rootOf(CloudEventGate.class), BuildTimeInit.rootOf(ClusterOnlyEndpoints.class),
                BuildTimeInit.rootOf(SaveEmailFunctions.class), BuildTimeInit.rootOf(SendEmailFunctions.class),
                BuildTimeInit.rootOf(PageResource.class)));

        assertTrue(functions.classes().size() > 50, "read the functions' classes: " + functions.classes().size());
        assertTrue(functions.runTimeInitialised().contains("io.signup.contract.LinkToken$Csprng"),
                "LinkToken's random source is declared for run time: " + functions.runTimeInitialised());
        assertEquals(List.of(), functions.findings(), "make it per process: hold it in a nested class declared "
                + "--initialize-at-run-time in META-INF/native-image/ (as LinkToken does), or make it in a bean");
    }

    @Test
    void findsTheRandomSourceThatBrokeTheFirstNativeBuild() {
        assertEquals(List.of(FrozenState.OldLinkToken.class.getName()
                + " (initialised at build time): static field of type java.security.SecureRandom holds a random "
                + "source (its seed state)", FrozenState.OldLinkToken.class.getName()
                + " (initialised at build time): FrozenState$OldLinkToken.<clinit> makes a java.security.SecureRandom (a random "
                + "source (its seed state))"), findingsOf(FrozenState.OldLinkToken.class));
    }

    @Test
    void findsTheClockTheEnvironmentAndThreadsMadeThroughOtherClasses() {
        assertEquals(List.of(FrozenState.ZoneAtStart.class.getName() + " (initialised at build time): "
                + "FrozenState$ZoneAtStart.<clinit> calls java.time.ZoneId.systemDefault (differs per process or machine)"),
                findingsOf(FrozenState.ZoneAtStart.class));
        assertEquals(List.of(FrozenState.SinkAtStart.class.getName() + " (initialised at build time): "
                + "FrozenState$SinkAtStart.<clinit> calls java.lang.System.getenv (differs per process or machine)"),
                findingsOf(FrozenState.SinkAtStart.class));
        assertEquals(List.of(FrozenState.PoolThroughHelper.class.getName() + " (initialised at build time): "
                + "FrozenState$Pools.make calls java.util.concurrent.Executors.newFixedThreadPool (differs per process or machine)"),
                findingsOf(FrozenState.PoolThroughHelper.class));
    }

    @Test
    void leavesAloneWhatIsInitialisedAtRunTimeAndConstantsThatAreTheSameEverywhere() {
        assertEquals(List.of(), findingsOf(FrozenState.RunTimeHolder.class));
        assertEquals(List.of(), findingsOf(FrozenState.Constants.class));
    }

    private static List<String> findingsOf(Class<?> type) {
        Set<String> all = BuildTimeInit.of(List.of(BuildTimeInit.rootOf(FrozenState.class))).findings().stream()
                .filter(finding -> finding.initialisedClass().equals(type.getName())).map(Finding::toString)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return List.copyOf(all);
    }
}
