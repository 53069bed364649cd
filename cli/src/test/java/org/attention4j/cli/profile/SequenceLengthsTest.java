package org.attention4j.cli.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.attention4j.cli.BadInputException;
import org.junit.jupiter.api.Test;

class SequenceLengthsTest {

    @Test
    void listsAndSuffixes() {
        assertEquals(List.of(1024, 4096, 16384), SequenceLengths.parse("--seq", "1k,4k,16k"));
        assertEquals(List.of(1, 1048576, 100), SequenceLengths.parse("--seq", " 1 , 1M,100"));
    }

    @Test
    void rangesDoubleByDefaultAndTakeAFactorOrAStep() {
        assertEquals(List.of(1024, 2048, 4096, 8192), SequenceLengths.parse("--seq", "1024..8192"));
        assertEquals(List.of(1024, 4096, 16384, 65536), SequenceLengths.parse("--seq", "1k..64kx4"));
        assertEquals(List.of(100, 150, 200), SequenceLengths.parse("--seq", "100..220+50"));
        assertEquals(List.of(16384, 32768, 65536, 131072, 262144, 524288, 1048576),
                SequenceLengths.parse("--seq", "16k..1M"));
    }

    @Test
    void duplicatesAreDroppedInOrder() {
        assertEquals(List.of(512, 1024, 2048), SequenceLengths.parse("--seq", "512,1k..2k,1024"));
    }

    @Test
    void badInputNamesTheOptionAndTheValue() {
        for (String bad : new String[] {"", "abc", "0", "-5", "1k..512", "1..8x1", "1..8xq", "1G", "4k,,8k"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> SequenceLengths.parse("--seq", bad),
                    bad);
            assertTrue(e.getMessage().startsWith("--seq"), e.getMessage());
        }
    }
}
