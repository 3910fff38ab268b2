package dev.dicomgateway.receive.pdu;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads the PDUs a peer sends (PS3.8 9.3.1): the 6-byte header (type, reserved byte, 32-bit big-endian body length),
 * then the body, whose declared length is checked before a byte of it is read or a buffer allocated for it.
 * Blocking reads on the stream it is given; the association decides what each PDU means.
 */
public final class PduReader {
    /** A PDU's type and the length of the body that follows its header. */
    public record Header(int type, long length) {
    }

    private final DataInputStream in;

    public PduReader(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /**
     * Reads and parses the A-ASSOCIATE-RQ that must open an association. Another PDU type is refused at its first
     * byte (not a DICOM peer); a body longer than {@code maxLength} is refused before it is read.
     */
    public AssociateRequest associateRequest(int maxLength) throws IOException, PduFormatException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("closed before A-ASSOCIATE-RQ");
        }
        if (type != PduType.ASSOCIATE_RQ) {
            throw new PduFormatException(PduFormatException.UNRECOGNIZED_PDU,
                    String.format("expected A-ASSOCIATE-RQ, received PDU type 0x%02X (not a DICOM peer?)", type));
        }
        in.readUnsignedByte();
        long length = in.readInt() & 0xFFFFFFFFL;
        if (length > maxLength) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE,
                    "A-ASSOCIATE-RQ of " + length + " bytes is larger than any real request");
        }
        byte[] body = new byte[(int) length];
        in.readFully(body);
        return AssociateRequest.parse(body);
    }

    /** The next PDU's header; empty when the peer closed the connection between two PDUs (EOFException inside one). */
    public Optional<Header> nextHeader() throws IOException {
        int type = in.read();
        if (type < 0) {
            return Optional.empty();
        }
        in.readUnsignedByte();
        return Optional.of(new Header(type, in.readInt() & 0xFFFFFFFFL));
    }

    /**
     * Reads the body of the P-DATA-TF whose header is {@code header} into {@code buffer}, or into a new buffer of at
     * least {@code maxLength} bytes when {@code buffer} is too small, and returns the buffer holding it. A body longer
     * than {@code maxLength} (the maximum PDU length we offered) is refused before it is read.
     */
    public byte[] pDataBody(Header header, int maxLength, byte[] buffer) throws IOException, PduFormatException {
        if (header.length() > maxLength) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE, "P-DATA-TF of "
                    + header.length() + " bytes exceeds the maximum length offered, " + maxLength);
        }
        int length = (int) header.length();
        byte[] body = buffer.length < length ? new byte[Math.max(length, maxLength)] : buffer;
        in.readFully(body, 0, length);
        return body;
    }

    /**
     * Skips the body of an A-RELEASE-RQ/RP or A-ABORT, which is exactly 4 bytes (PS3.8 9.3.6–9.3.8); any other
     * length is an attack or a bug.
     */
    public void controlBody(Header header) throws IOException, PduFormatException {
        if (header.length() != ControlPdu.BODY_LENGTH) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE,
                    String.format("PDU type 0x%02X with a body of %d bytes instead of 4", header.type(), header.length()));
        }
        in.skipNBytes(header.length());
    }
}
