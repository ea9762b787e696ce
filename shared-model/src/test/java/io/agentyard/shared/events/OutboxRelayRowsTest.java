package io.agentyard.shared.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which outbox rows a relay round may mark published when a row holds several events. */
class OutboxRelayRowsTest {

    @Test
    void everyEventSentPublishesEveryRow() {
        assertEquals(new OutboxRelay.Published(List.of(1L, 2L, 3L), 6),
                OutboxRelay.published(List.of(1L, 2L, 2L, 3L, 3L, 3L), new boolean[] {true, true, true, true, true, true}));
    }

    @Test
    void aRowCutShortStaysUnpublishedAndSoDoesEveryRowAfterIt() {
        // row 2's second event failed: row 2 goes out again, whole, and row 3 after it
        assertEquals(new OutboxRelay.Published(List.of(1L), 1),
                OutboxRelay.published(List.of(1L, 2L, 2L, 3L), new boolean[] {true, true, false, true}));
        assertEquals(new OutboxRelay.Published(List.of(1L, 2L), 3),
                OutboxRelay.published(List.of(1L, 2L, 2L, 3L, 3L), new boolean[] {true, true, true, true, false}));
        assertEquals(new OutboxRelay.Published(List.of(), 0),
                OutboxRelay.published(List.of(1L, 1L), new boolean[] {false, true}));
    }
}
