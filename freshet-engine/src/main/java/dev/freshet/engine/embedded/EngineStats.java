package dev.freshet.engine.embedded;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of an {@link EmbeddedEngine}'s state for metrics and the dashboard. Fields of one
 * source are read together but not atomically with other sources.
 *
 * @param ready              whether recovery finished (reads and appends are served)
 * @param failure            why the engine stopped, or null while healthy
 * @param sources            per source, by name
 * @param views              per streaming view, by name
 * @param checkpoints        checkpoint activity since start
 * @param recovery           what the last start restored and replayed
 * @param queuedBatches      appended batches not yet applied (bounded by maxQueuedBatches)
 * @param lastApplyLagMillis for the last applied batch: clock at application − its accept time
 * @param logBytes           the event log's size ({@code EventLog.sizeBytes}); -1 if it could not be read
 * @param logCommits         writes (group commits) of the event log since it was opened
 *                           ({@code EventLog.commits}: one fsync each under fsync ALWAYS); -1 if not counted
 */
public record EngineStats(boolean ready, String failure, Map<String, SourceStats> sources, Map<String, ViewStats> views,
                          CheckpointStats checkpoints, RecoveryStats recovery, int queuedBatches, long lastApplyLagMillis,
                          long logBytes, long logCommits) {

    /**
     * @param source        source name
     * @param logEndOffset  next offset the log will assign (durable records)
     * @param appliedOffset every event below this offset has been applied, held or dropped
     * @param appliedEvents events applied to the tiles
     * @param heldEvents    accepted events waiting for the clock to pass their event time
     * @param maxEventTime  max accepted event time (partition 0), {@link Long#MIN_VALUE} if none
     * @param watermark     events below this are dropped as late, {@link Long#MIN_VALUE} if none
     * @param clock         the driver's clock (latest accept time or clock advance applied)
     * @param drops         dropped events by reason (LATE, TOO_FAR_IN_FUTURE, NULL_KEY, NULL_EVENT_TIME)
     */
    public record SourceStats(String source, long logEndOffset, long appliedOffset, long appliedEvents, int heldEvents,
                              long maxEventTime, long watermark, long clock, Map<String, Long> drops) {
    }

    /**
     * @param view       view name
     * @param source     the source feeding it
     * @param keys       entity keys with state
     * @param stateBytes approximate heap bytes of its tile state
     */
    public record ViewStats(String view, String source, int keys, long stateBytes) {
    }

    /**
     * @param count              checkpoints saved since start
     * @param failures           checkpoint attempts that failed (the log still has everything)
     * @param lastId             id of the last saved checkpoint, -1 if none
     * @param lastCreatedAt      its creation time (engine clock), {@link Long#MIN_VALUE} if none
     * @param lastBytes          its size
     * @param lastDurationMillis from the cut to durably saved, wall time (periodic checkpoints are encoded
     *                           in steps between batches meanwhile)
     * @param lastPositions      its log positions (source → next offset)
     */
    public record CheckpointStats(long count, long failures, long lastId, long lastCreatedAt, long lastBytes,
                                  long lastDurationMillis, Map<String, Long> lastPositions) {
    }

    /**
     * @param checkpointId    the checkpoint restored, -1 if none was usable
     * @param restoredSources sources restored from it
     * @param rebuiltSources  sources rebuilt from offset 0 (no checkpoint, or their definitions changed)
     * @param replayedEvents  log records replayed per source
     * @param durationMillis  wall time of the recovery
     */
    public record RecoveryStats(long checkpointId, List<String> restoredSources, List<String> rebuiltSources,
                                Map<String, Long> replayedEvents, long durationMillis) {
        static final RecoveryStats PENDING = new RecoveryStats(-1, List.of(), List.of(), Map.of(), 0);
    }
}
