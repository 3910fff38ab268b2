package dev.dicomgateway.receive.pdu;

import static dev.dicomgateway.testing.WireBytes.concat;
import static dev.dicomgateway.testing.WireBytes.hex;
import static dev.dicomgateway.testing.WireBytes.pdv;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** PDV items of a P-DATA-TF body (PS3.8 9.3.5.1) written by hand: what each says, and the lengths that do not fit. */
class PdvItemsTest {
    private static byte[] fragment(PdvItems items, byte[] body) {
        return Arrays.copyOfRange(body, items.fragmentOffset(), items.fragmentOffset() + items.fragmentLength());
    }

    @Test
    void eachItemSaysItsContextKindAndWhetherItIsLast() throws PduFormatException {
        byte[] body = concat(pdv(1, 0x03, hex("0A0B")), pdv(3, 0x00, hex("0C")), pdv(3, 0x02, new byte[0]),
                pdv(255, 0x01, hex("0D0E0F")));
        PdvItems items = new PdvItems(concat(body, hex("EEEE")), body.length); // bytes past the body are not its own
        assertTrue(items.next());
        assertEquals(1, items.contextId());
        assertTrue(items.command());
        assertTrue(items.last());
        assertArrayEquals(hex("0A0B"), fragment(items, body));
        assertTrue(items.next());
        assertEquals(3, items.contextId());
        assertFalse(items.command(), "bit 0 clear: a data set fragment");
        assertFalse(items.last());
        assertArrayEquals(hex("0C"), fragment(items, body), "an odd fragment length is kept as sent");
        assertTrue(items.next());
        assertTrue(items.last());
        assertEquals(0, items.fragmentLength(), "an empty fragment (item length 2)");
        assertTrue(items.next());
        assertEquals(255, items.contextId(), "context IDs are unsigned");
        assertTrue(items.command());
        assertFalse(items.last());
        assertFalse(items.next());
        assertFalse(items.next(), "and stays at the end");
    }

    @Test
    void anEmptyBodyHasNoItems() throws PduFormatException {
        assertFalse(new PdvItems(new byte[16], 0).next());
    }

    private static String refusal(byte[] body) {
        PdvItems items = new PdvItems(body, body.length);
        PduFormatException e = assertThrows(PduFormatException.class, () -> {
            while (items.next()) {
                // the items before the malformed one
            }
        });
        assertEquals(PduFormatException.INVALID_PDU_PARAMETER_VALUE, e.abortReason());
        return e.getMessage();
    }

    @Test
    void anItemHeaderCutShortIsRefused() {
        byte[] whole = pdv(1, 0x03, hex("0A0B"));
        for (int cut = 1; cut < 6; cut++) {
            assertEquals("truncated PDV item", refusal(Arrays.copyOf(whole, cut)), "cut at " + cut);
        }
        assertEquals("truncated PDV item", refusal(concat(pdv(1, 0x03, hex("0A0B")), hex("00 00 00 02 01"))));
    }

    @Test
    void itemLengthsThatDoNotFitTheBodyAreRefused() {
        assertEquals("PDV item length 5 does not fit its PDU", refusal(hex("00000005 01 03 0A0B")), "one byte past the end");
        assertEquals("PDV item length 1 does not fit its PDU", refusal(hex("00000001 01 03")), "shorter than its own header");
        assertEquals("PDV item length 0 does not fit its PDU", refusal(hex("00000000 01 03")));
        assertEquals("PDV item length 4294967295 does not fit its PDU", refusal(hex("FFFFFFFF 01 03 0A0B")),
                "unsigned: never a negative length");
        assertEquals("PDV item length 2147483648 does not fit its PDU", refusal(hex("80000000 01 03 0A0B")));
    }

    @Test
    void theItemsBeforeAMalformedOneAreReturnedFirst() throws PduFormatException {
        byte[] body = concat(pdv(1, 0x02, hex("0A0B")), hex("00000009 01 02 0C"));
        PdvItems items = new PdvItems(body, body.length);
        assertTrue(items.next(), "the first item is complete and is handed over as received");
        assertArrayEquals(hex("0A0B"), fragment(items, body));
        assertThrows(PduFormatException.class, items::next);
    }
}
