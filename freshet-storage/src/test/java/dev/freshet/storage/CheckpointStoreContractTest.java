package dev.freshet.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.testkit.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link CheckpointStore} contract (STYLE.md #11). Subclasses open the store with the default
 * retention of 2 checkpoints.
 */
public abstract class CheckpointStoreContractTest extends ContractSupport {
    protected static final int KEEP = 2;

    static LongStream seeds() {
        return Seeds.of(20_261_127L, 5);
    }

    protected CheckpointStore store() {
        return storage.checkpoints();
    }

    /**
     * Simulates a crash in the middle of saving {@code checkpoint}: whatever a partial save leaves
     * behind is written, then the storage is reopened. Implementations that cannot tear skip.
     */
    protected void crashDuringSave(Checkpoint checkpoint) {
        Assumptions.abort("this implementation has no partial save to simulate");
    }

    /**
     * A checkpoint whose blob contents are derived from {@code createdAt}, so any loaded checkpoint
     * can be checked on its own with {@link #assertSelfConsistent}.
     */
    protected static Checkpoint derived(long createdAt, int blobBytes) {
        SplittableRandom random = new SplittableRandom(createdAt);
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        for (String name : List.of("card_txn", "merchant", "empty")) {
            byte[] b = new byte[name.equals("empty") ? 0 : blobBytes + random.nextInt(1_000)];
            random.nextBytes(b);
            blobs.put(name, b);
        }
        return new Checkpoint(createdAt, 1, Map.of("payments", createdAt * 10, "clicks", createdAt), blobs);
    }

    protected static void assertSelfConsistent(Checkpoint loaded) {
        Checkpoint expected = derived(loaded.createdAtMillis(), blobBytesOf(loaded));
        assertEquals(expected, loaded, "checkpoint created at " + loaded.createdAtMillis() + " is intact");
    }

    /** Recovers the blobBytes argument of {@link #derived} from a loaded checkpoint. */
    private static int blobBytesOf(Checkpoint c) {
        SplittableRandom random = new SplittableRandom(c.createdAtMillis());
        return c.blobs().get("card_txn").length - random.nextInt(1_000);
    }

    @Test
    void nothingToLoadBeforeTheFirstSave() {
        assertEquals(Optional.empty(), store().loadLatest());
        assertEquals(List.of(), store().list());
        assertEquals(Optional.empty(), store().load(1));
    }

    @Test
    void saveAndLoadRoundTripsBlobsPositionsAndMetadata() {
        Checkpoint c = derived(1_700_000_000_000L, 10_000);
        long id = store().save(c);
        assertEquals(Optional.of(c), store().loadLatest());
        assertEquals(Optional.of(c), store().load(id));
        CheckpointInfo info = store().list().getFirst();
        assertEquals(id, info.id());
        assertEquals(c.createdAtMillis(), info.createdAtMillis());
        assertEquals(1, info.formatVersion());
        assertEquals(c.positions(), info.positions());
        assertEquals(c.blobs().get("card_txn").length, info.blobSizes().get("card_txn"));
        assertEquals(0L, info.blobSizes().get("empty"));
    }

    @Test
    void checkpointWithoutBlobsOrPositionsRoundTrips() {
        Checkpoint c = new Checkpoint(5, 3, Map.of(), Map.of());
        store().save(c);
        assertEquals(Optional.of(c), store().loadLatest());
    }

    @Test
    void latestCheckpointWinsAndIdsIncrease() {
        long previous = 0;
        for (int i = 1; i <= 4; i++) {
            long id = store().save(derived(i, 100));
            assertTrue(id > previous, "ids increase");
            previous = id;
            assertEquals(derived(i, 100), store().loadLatest().orElseThrow());
        }
    }

    @Test
    void keepsOnlyTheNewestCheckpoints() {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(store().save(derived(i, 1_000)));
        }
        List<CheckpointInfo> retained = store().list();
        assertEquals(KEEP, retained.size());
        assertEquals(List.of(ids.get(4), ids.get(3)), retained.stream().map(CheckpointInfo::id).toList());
        assertEquals(Optional.empty(), store().load(ids.get(2)));
        assertEquals(Optional.of(derived(4, 1_000)), store().load(ids.get(3)));
    }

    @Test
    void blobsSpanningManyChunksRoundTrip() {
        Checkpoint c = derived(42, 3_000_000);
        store().save(c);
        assertEquals(c, store().loadLatest().orElseThrow());
    }

    @Test
    void loadedBlobsAreCopies() {
        Checkpoint c = derived(9, 100);
        store().save(c);
        store().loadLatest().orElseThrow().blobs().get("card_txn")[0]++;
        assertEquals(c, store().loadLatest().orElseThrow());
    }

    @Test
    void reopenLoadsTheLatestAndKeepsIdsIncreasing() {
        store().save(derived(1, 500));
        long id = store().save(derived(2, 500));
        reopen();
        assertEquals(derived(2, 500), store().loadLatest().orElseThrow());
        assertTrue(store().save(derived(3, 500)) > id);
        assertEquals(KEEP, store().list().size());
    }

    @Test
    void crashDuringSaveLeavesThePreviousCheckpointLoadable() {
        store().save(derived(1, 20_000));
        long id = store().save(derived(2, 20_000));
        crashDuringSave(derived(3, 200_000));
        assertEquals(derived(2, 20_000), store().loadLatest().orElseThrow());
        assertEquals(List.of(id, id - 1), store().list().stream().map(CheckpointInfo::id).toList());
        long next = store().save(derived(4, 20_000));
        assertTrue(next > id);
        assertEquals(derived(4, 20_000), store().loadLatest().orElseThrow());
        assertEquals(derived(2, 20_000), store().load(id).orElseThrow());
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void loadsDuringSavesSeeOnlyCompleteCheckpoints(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        store().save(derived(1, 1_000));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            long last = 0;
            try {
                while (!done.get()) {
                    Checkpoint c = store().loadLatest().orElseThrow();
                    assertSelfConsistent(c);
                    assertTrue(c.createdAtMillis() >= last, "never goes back");
                    last = c.createdAtMillis();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        for (int i = 2; i <= 12; i++) {
            store().save(derived(i, random.nextInt(1, 300_000)));
        }
        done.set(true);
        reader.join();
        if (failure.get() != null) {
            throw new AssertionError("reader failed", failure.get());
        }
        assertEquals(12, store().loadLatest().orElseThrow().createdAtMillis());
    }

    @Test
    void positionsMustNotBeNegative() {
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(1, 1, Map.of("s", -1L), Map.of()));
        assertNotEquals(derived(1, 10), derived(2, 10));
        assertFalse(derived(1, 10).toString().contains("[B@"), "toString shows sizes, not arrays");
    }
}
