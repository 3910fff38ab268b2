package dev.dicomgateway.receive;

import dev.dicomgateway.receive.pdu.PduFormatException;
import dev.dicomgateway.receive.pdu.PdvSource;
import java.io.IOException;
import java.io.InputStream;

/**
 * The data set of one C-STORE, pulled from the association's PDVs as the next stage reads it: its bytes are the data
 * fragments of one presentation context, up to the one marked last — never buffered here, never more than one PDU
 * held. Anything else before that last fragment (a command fragment, another context, a release or abort, a broken
 * connection, a protocol error) interrupts it: every read from then on throws {@link Interrupted}, and the
 * association acts on {@link #interruption()} once the stage has given up.
 */
final class DataSetStream extends InputStream {
    /** Told of every fragment's bytes as they are read (metrics, the idle timeout). */
    interface Progress {
        void received(int bytes);
    }

    /** What a read throws once the data set cannot arrive; the cause is {@link #interruption()}. */
    static final class Interrupted extends IOException {
        Interrupted(Exception cause) {
            super("the data set was interrupted: " + cause.getMessage(), cause);
        }
    }

    /** The interruption when a PDU other than P-DATA-TF came before the last fragment (it waits in the source). */
    static final class ControlPdu extends Exception {
        ControlPdu() {
            super("another PDU arrived before the data set's last fragment", null, false, false);
        }
    }

    private final PdvSource pdvs;
    private final int contextId;
    private final Progress progress;
    private int offset;
    private int left;
    private boolean last;
    private Exception interruption;

    /** Starts at the source's current PDV, the data set's first fragment on {@code contextId}. */
    DataSetStream(PdvSource pdvs, int contextId, Progress progress) {
        this.pdvs = pdvs;
        this.contextId = contextId;
        this.progress = progress;
        take();
    }

    private void take() {
        offset = pdvs.fragmentOffset();
        left = pdvs.fragmentLength();
        last = pdvs.last();
        progress.received(left);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] bytes, int at, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (left == 0) {
            if (last) {
                return -1;
            }
            advance();
        }
        int n = Math.min(length, left);
        System.arraycopy(pdvs.buffer(), offset, bytes, at, n);
        offset += n;
        left -= n;
        return n;
    }

    @Override
    public long skip(long count) throws IOException {
        long skipped = 0;
        while (skipped < count) {
            while (left == 0) {
                if (last) {
                    return skipped;
                }
                advance();
            }
            int n = (int) Math.min(count - skipped, left);
            offset += n;
            left -= n;
            skipped += n;
        }
        return skipped;
    }

    /** Reads what the stage left unread, to the last fragment; false when the data set was interrupted. */
    boolean drain() {
        try {
            while (skip(Long.MAX_VALUE) > 0) {
                // the next stage refused the instance, or stopped before its end
            }
            return interruption == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Why the data set cannot arrive (a {@link ControlPdu}, an IOException or a PduFormatException), or null. */
    Exception interruption() {
        return interruption;
    }

    private void advance() throws IOException {
        if (interruption != null) {
            throw new Interrupted(interruption);
        }
        try {
            if (!pdvs.next()) {
                interruption = pdvs.hasPending() ? new ControlPdu() : new java.io.EOFException("connection closed");
            } else if (pdvs.command()) {
                interruption = new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER,
                        "command fragment while a data set was still arriving");
            } else if (pdvs.contextId() != contextId) {
                interruption = new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER,
                        "data fragment on another presentation context than its command");
            } else {
                take();
                return;
            }
        } catch (IOException | PduFormatException e) {
            interruption = e;
        }
        throw new Interrupted(interruption);
    }
}
