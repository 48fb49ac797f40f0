package io.sparkconv.kernels.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ThreadTeamTest {
    @Test
    void everyIndexRunsExactlyOnceOverManyBackToBackCalls() {
        try (ThreadTeam team = new ThreadTeam(3)) {
            for (int call = 0; call < 20_000; call++) {
                int count = 1 + call % 7;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                team.forEach(count, runs::incrementAndGet);
                for (int i = 0; i < count; i++) {
                    assertEquals(1, runs.get(i), "call " + call + " index " + i);
                }
            }
        }
    }

    @Test
    void aFailingTaskFailsTheCallAndTheTeamKeepsWorking() {
        try (ThreadTeam team = new ThreadTeam(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.forEach(8, i -> {
                if (i == 5) {
                    throw new IllegalStateException("task 5");
                }
            }));
            assertEquals("task 5", e.getMessage());
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            team.forEach(4, runs::incrementAndGet);
            assertEquals(4, runs.get(0) + runs.get(1) + runs.get(2) + runs.get(3));
        }
    }
}
