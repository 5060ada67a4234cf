package io.signup.local.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.signup.peers.FunctionProcess;

/**
 * The part of {@code make chaos} that fits in {@code make test}: three faults at a lower rate on the make run stack,
 * and still no accepted signup without its mail and none with two.
 */
class ChaosIT {

    @Test
    void aRefusedRecipientAKilledSenderAndABrokerRestartLoseNothingAndDuplicateNothing() throws Exception {
        List<Chaos.Fault> faults = Chaos.allFaults().stream().filter(fault -> fault.name().contains("550")
                || fault.name().contains("send-email-fn") || fault.name().contains("Broker restart")).toList();
        assertEquals(3, faults.size());

        List<Chaos.Row> rows = Chaos.runOnFreshStack(FunctionProcess.projectRoot(), faults, 10, Duration.ofSeconds(3));

        System.out.println(Chaos.table(rows));
        for (Chaos.Row row : rows) {
            assertTrue(row.accepted() > 0, row.fault() + ": signups were accepted");
            assertEquals(0, row.lost(), row.fault() + ": lost");
            assertEquals(0, row.duplicated(), row.fault() + ": duplicated");
        }
        assertTrue(rows.get(0).note().startsWith("550 recipient kept as a dead letter"), rows.get(0).note());
    }
}
