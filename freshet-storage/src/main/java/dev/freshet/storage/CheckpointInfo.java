package dev.freshet.storage;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stored checkpoint holds, without its blobs.
 *
 * @param id              the store's id, increasing with every save (newer checkpoints have larger ids)
 * @param createdAtMillis as given to {@link CheckpointStore#save}
 * @param formatVersion   as given to {@link CheckpointStore#save}
 * @param positions       as given to {@link CheckpointStore#save}
 * @param blobSizes       state name → blob length in bytes
 */
public record CheckpointInfo(long id, long createdAtMillis, int formatVersion, Map<String, Long> positions,
                             Map<String, Long> blobSizes) {
    public CheckpointInfo {
        positions = Collections.unmodifiableMap(new TreeMap<>(positions));
        blobSizes = Collections.unmodifiableMap(new TreeMap<>(blobSizes));
    }
}
