package dev.freshet.aggregation.watermark;

/** Receives dropped events. Implementations store them (memory, RocksDB, a Kafka topic). */
@FunctionalInterface
public interface DeadLetterSink {
    void accept(DeadLetter letter);
}
