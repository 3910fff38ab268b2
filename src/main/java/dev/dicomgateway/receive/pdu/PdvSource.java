package dev.dicomgateway.receive.pdu;

import java.io.IOException;
import java.util.Optional;

/**
 * The presentation data values of an established association, one at a time, across P-DATA-TF PDUs: reads the next
 * PDU when the current one has no item left. A PDU of another type stops the sequence; it waits in {@link #pending()}
 * for the association to act on (release, abort, or a protocol error), and {@link #next} stays false until then.
 */
public final class PdvSource {
    private final PduReader pdus;
    private final int maxPduLength;
    private byte[] body = new byte[0];
    private PdvItems items;
    private PduReader.Header pending;
    private boolean ended;

    public PdvSource(PduReader pdus, int maxPduLength) {
        this.pdus = pdus;
        this.maxPduLength = maxPduLength;
    }

    /**
     * Moves to the next PDV; false when the next PDU is not a P-DATA-TF ({@link #pending()}) or the connection ended
     * (then {@link #pending()} is empty).
     */
    public boolean next() throws IOException, PduFormatException {
        if (pending != null || ended) {
            return false;
        }
        while (items == null || !items.next()) {
            items = null;
            Optional<PduReader.Header> header = pdus.nextHeader();
            if (header.isEmpty()) {
                ended = true;
                return false;
            }
            if (header.get().type() != PduType.P_DATA_TF) {
                pending = header.get();
                return false;
            }
            body = pdus.pDataBody(header.get(), maxPduLength, body);
            items = new PdvItems(body, (int) header.get().length());
        }
        return true;
    }

    /** The PDU that stopped {@link #next}, handed over once; empty when the connection ended. */
    public Optional<PduReader.Header> takePending() {
        PduReader.Header header = pending;
        pending = null;
        return Optional.ofNullable(header);
    }

    /** Whether a PDU other than P-DATA-TF stopped the sequence (and is waiting in {@link #takePending()}). */
    public boolean hasPending() {
        return pending != null;
    }

    public int contextId() {
        return items.contextId();
    }

    public boolean command() {
        return items.command();
    }

    public boolean last() {
        return items.last();
    }

    /** The buffer holding the current fragment; valid until the next call of {@link #next}. */
    public byte[] buffer() {
        return body;
    }

    public int fragmentOffset() {
        return items.fragmentOffset();
    }

    public int fragmentLength() {
        return items.fragmentLength();
    }
}
