package dev.dicomgateway.receive.dimse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Action Information parser and the Event Information encoder, in both little endian syntaxes. */
class CommitmentDataSetTest {
    private static final CommitmentDataSet.Reference A = new CommitmentDataSet.Reference("1.2.840.10008.5.1.4.1.1.2", "1.2.3.1");
    private static final CommitmentDataSet.Reference B = new CommitmentDataSet.Reference("1.2.840.10008.5.1.4.1.1.4", "1.2.3.22");

    @Test
    void encodedReferencesParseBackInBothSyntaxes() throws Exception {
        for (boolean explicit : new boolean[] {false, true}) {
            byte[] bytes = CommitmentDataSet.encodeReport("1.2.3.9", List.of(A, B), List.of(), explicit);
            CommitmentDataSet.Request parsed = CommitmentDataSet.parse(bytes, explicit, 10);
            assertEquals("1.2.3.9", parsed.transactionUid());
            assertEquals(List.of(A, B), parsed.references());
        }
    }

    @Test
    void undefinedLengthSequenceAndItemsAsDcmtkMaySendThem() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        element(out, 0x0008, 0x1195, uid("1.2.3.9"));
        out.writeBytes(new byte[] {0x08, 0x00, (byte) 0x99, 0x11, -1, -1, -1, -1});
        out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, -1, -1, -1, -1});
        element(out, 0x0008, 0x1150, uid(A.sopClassUid()));
        element(out, 0x0008, 0x1155, uid(A.sopInstanceUid()));
        out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x0D, (byte) 0xE0, 0, 0, 0, 0});
        out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
        assertEquals(List.of(A), CommitmentDataSet.parse(out.toByteArray(), false, 10).references());
    }

    @Test
    void refusesWhatItCannotBound() {
        byte[] two = CommitmentDataSet.encodeReport("1.2.3.9", List.of(A, B), List.of(), false);
        assertThrows(CommitmentDataSet.LimitException.class, () -> CommitmentDataSet.parse(two, false, 1));
        byte[] noTransaction = java.util.Arrays.copyOfRange(two, 16, two.length);
        assertThrows(MalformedCommandException.class, () -> CommitmentDataSet.parse(noTransaction, false, 10));
        for (int cut = 1; cut < two.length; cut++) { // every truncation is refused, none throws anything else
            byte[] truncated = java.util.Arrays.copyOf(two, cut);
            assertThrows(MalformedCommandException.class, () -> CommitmentDataSet.parse(truncated, false, 10), "cut " + cut);
        }
    }

    private static byte[] uid(String value) {
        byte[] raw = value.getBytes(StandardCharsets.US_ASCII);
        return raw.length % 2 == 0 ? raw : java.util.Arrays.copyOf(raw, raw.length + 1);
    }

    private static void element(ByteArrayOutputStream out, int group, int element, byte[] value) {
        out.writeBytes(new byte[] {(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8),
                (byte) value.length, (byte) (value.length >>> 8), 0, 0});
        out.writeBytes(value);
    }
}
