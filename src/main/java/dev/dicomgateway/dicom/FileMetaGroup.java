package dev.dicomgateway.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The PS3.10 preamble, "DICM" and file meta information group (0002,xxxx) of a Part 10 file, read with bounds: the
 * group may hold at most {@value #MAX_GROUP_BYTES} bytes, so a hostile file cannot make this allocate more.
 *
 * @param transferSyntaxUid (0002,0010)
 * @param sourceAeTitle     (0002,0016): the calling AE title that sent the instance, or ""
 * @param dataSetOffset     the first byte of the data set
 */
public record FileMetaGroup(String transferSyntaxUid, String sourceAeTitle, long dataSetOffset) {
    private static final int PREAMBLE = 128;
    private static final int MAX_GROUP_BYTES = 64 * 1024;

    /** Reads the meta group from the start of {@code in}, leaving the stream at the first byte of the data set. */
    public static FileMetaGroup read(InputStream in) throws IOException, UnreadableDataSetException {
        ByteSource source = new ByteSource(in, java.nio.ByteOrder.LITTLE_ENDIAN);
        try {
            source.skip(PREAMBLE);
            byte[] prefix = source.bytes(4);
            if (!"DICM".equals(new String(prefix, StandardCharsets.US_ASCII))) {
                throw new UnreadableDataSetException("not a Part 10 file (no DICM prefix)", null);
            }
            String transferSyntax = null;
            String sourceAe = "";
            while (source.available(2) && source.peekU16() == 0x0002) {
                if (source.position() - PREAMBLE - 4 > MAX_GROUP_BYTES) {
                    throw new UnreadableDataSetException("file meta group larger than 64 KiB", null);
                }
                source.u16();
                int element = source.u16();
                String vr = new String(source.bytes(2), StandardCharsets.US_ASCII);
                long length;
                if (ValueRepresentations.hasLongLength(vr)) {
                    source.skip(2);
                    length = source.u32();
                } else {
                    length = source.u16();
                }
                if (length > MAX_GROUP_BYTES) {
                    throw new UnreadableDataSetException(String.format("file meta element (0002,%04X) too long", element), null);
                }
                byte[] value = source.bytes((int) length);
                if (element == 0x0010) {
                    transferSyntax = Uids.trimPadding(new String(value, StandardCharsets.US_ASCII));
                } else if (element == 0x0016) {
                    sourceAe = new String(value, StandardCharsets.US_ASCII).trim();
                }
            }
            if (transferSyntax == null) {
                throw new UnreadableDataSetException("file meta information has no transfer syntax", null);
            }
            return new FileMetaGroup(transferSyntax, sourceAe, source.position());
        } catch (EOFException e) {
            throw new UnreadableDataSetException("file ends inside its file meta information", e);
        }
    }

    /** Reads the meta group of {@code file}. */
    public static FileMetaGroup read(java.nio.file.Path file) throws IOException, UnreadableDataSetException {
        try (InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 8192)) {
            return read(in);
        }
    }
}
