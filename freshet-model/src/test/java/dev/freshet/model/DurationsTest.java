package dev.freshet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @Test
    void parsesEveryUnit() {
        assertEquals(Optional.of(Duration.ofMillis(500)), Durations.parse("500ms"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), Durations.parse("30s"));
        assertEquals(Optional.of(Duration.ofMinutes(5)), Durations.parse("5m"));
        assertEquals(Optional.of(Duration.ofHours(24)), Durations.parse("24h"));
        assertEquals(Optional.of(Duration.ofDays(7)), Durations.parse("7d"));
    }

    @Test
    void parsesCompoundNegativeAndIso() {
        assertEquals(Optional.of(Duration.ofMinutes(90)), Durations.parse("1h30m"));
        assertEquals(Optional.of(Duration.ofMinutes(-5)), Durations.parse("-5m"));
        assertEquals(Optional.of(Duration.ofMinutes(5)), Durations.parse("PT5M"));
        assertEquals(Optional.of(Duration.ofDays(1)), Durations.parse("P1D"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5 m", "5min", "m5", "30m1h", "5m5m", "PT", "1.5h"})
    void rejectsMalformedText(String text) {
        assertTrue(Durations.parse(text).isEmpty(), text);
    }

    @Test
    void formatsWithTheLargestUnitsFirst() {
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("7m", Durations.format(Duration.ofMinutes(7)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("1d", Durations.format(Duration.ofHours(24)));
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("-1m", Durations.format(Duration.ofMinutes(-1)));
    }

    /** Durations whose milliseconds overflow a long are formatted (in error messages), not a crash. */
    @Test
    void formatsDurationsLongerThanALongOfMilliseconds() {
        assertEquals("200000000000d", Durations.format(Duration.ofDays(200_000_000_000L)));
        assertEquals("-200000000000d1ms", Durations.format(Duration.ofDays(-200_000_000_000L).minusMillis(1)));
        assertEquals("106751991167d7h12m55s807ms", Durations.format(Durations.MAX_MILLIS));
        assertTrue(Durations.fitsInMillis(Durations.MAX_MILLIS));
        assertFalse(Durations.fitsInMillis(Durations.MAX_MILLIS.plusMillis(1)));
        assertFalse(Durations.fitsInMillis(Duration.ofDays(-200_000_000_000L)));
    }
}
