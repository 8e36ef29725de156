package dev.freshet.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.DeadLetterRecord;
import dev.freshet.storage.StoredDeadLetter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class RocksDbDeadLetterIdsTest {
    @TempDir
    Path tmp;

    private static DeadLetterRecord letter(String source, long seq, String reason) {
        return new DeadLetterRecord(source, 0, seq, 1_000 + seq, 2_000 + seq, reason, "", "{}");
    }

    // After a source was rebuilt (its newest letters removed) and the server restarted, new letters
    // reused old ids: id-based paging (GET /v1/dead-letters?before=) then pointed at different letters.
    @Test
    void deadLetterIdsKeepIncreasingAfterRemovedLettersAndAReopen() {
        Path dir = tmp.resolve("data");
        long last;
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            storage.deadLetters().append(letter("a", 1, "LATE"));
            storage.deadLetters().append(letter("b", 1, "LATE"));
            last = storage.deadLetters().append(letter("b", 2, "LATE"));
            assertEquals(2, storage.deadLetters().removeReplayable("b"));
        }
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            long next = storage.deadLetters().append(letter("c", 1, "TOO_FAR_IN_FUTURE"));
            assertTrue(next > last, "ids must keep increasing across a reopen: got " + next + " after " + last);
        }
    }
}
