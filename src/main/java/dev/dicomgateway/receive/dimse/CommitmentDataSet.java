package dev.dicomgateway.receive.dimse;

import dev.dicomgateway.dicom.Uids;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The data sets of Storage Commitment (PS3.4 J.3): the N-ACTION's Action Information (Transaction UID and Referenced
 * SOP Sequence) parsed, and the N-EVENT-REPORT's Event Information encoded, in implicit or explicit VR little endian.
 * The parser is flat: it walks the top level and the items of the one sequence it needs, with no recursion, and refuses
 * deeper nesting, undefined lengths it cannot bound, and more than {@code maxInstances} references.
 */
public final class CommitmentDataSet {
    public static final int TRANSACTION_UID = 0x00081195;
    public static final int REFERENCED_SOP_SEQUENCE = 0x00081199;
    public static final int FAILED_SOP_SEQUENCE = 0x00081198;
    public static final int REFERENCED_SOP_CLASS_UID = 0x00081150;
    public static final int REFERENCED_SOP_INSTANCE_UID = 0x00081155;
    public static final int FAILURE_REASON = 0x00081197;
    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_END = 0xFFFEE00D;
    private static final int SEQUENCE_END = 0xFFFEE0DD;
    private static final long UNDEFINED = 0xFFFFFFFFL;

    /** One instance a requester asks about, by its SOP Class and SOP Instance UIDs as the requester knows them. */
    public record Reference(String sopClassUid, String sopInstanceUid) {
    }

    /** A parsed Action Information. */
    public record Request(String transactionUid, List<Reference> references) {
    }

    /** A failed reference of an N-EVENT-REPORT with its Failure Reason (0x0112, 0x0119 …). */
    public record Failure(Reference reference, int reason) {
    }

    private CommitmentDataSet() {
    }

    /** Parses an Action Information data set. */
    public static Request parse(byte[] bytes, boolean explicitVr, int maxInstances) throws MalformedCommandException {
        Reader reader = new Reader(bytes, explicitVr);
        String transaction = null;
        List<Reference> references = null;
        while (reader.hasMore()) {
            Header header = reader.header();
            if (header.tag == TRANSACTION_UID) {
                transaction = reader.text(header);
            } else if (header.tag == REFERENCED_SOP_SEQUENCE) {
                references = reader.references(header, maxInstances);
            } else {
                reader.skip(header);
            }
        }
        if (transaction == null || !Uids.isValid(transaction)) {
            throw new MalformedCommandException("Action Information has no valid Transaction UID (0008,1195)");
        }
        if (references == null || references.isEmpty()) {
            throw new MalformedCommandException("Action Information has no Referenced SOP Sequence (0008,1199) items");
        }
        return new Request(transaction, List.copyOf(references));
    }

    /** Encodes an Event Information data set: the committed references and, when any failed, the failed ones. */
    public static byte[] encodeReport(String transactionUid, List<Reference> committed, List<Failure> failed,
                                      boolean explicitVr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 128 * (committed.size() + failed.size()));
        element(out, TRANSACTION_UID, "UI", uid(transactionUid), explicitVr);
        if (!failed.isEmpty()) {
            ByteArrayOutputStream items = new ByteArrayOutputStream();
            for (Failure failure : failed) {
                ByteArrayOutputStream item = new ByteArrayOutputStream(128);
                element(item, REFERENCED_SOP_CLASS_UID, "UI", uid(failure.reference().sopClassUid()), explicitVr);
                element(item, REFERENCED_SOP_INSTANCE_UID, "UI", uid(failure.reference().sopInstanceUid()), explicitVr);
                element(item, FAILURE_REASON, "US", new byte[] {(byte) failure.reason(), (byte) (failure.reason() >>> 8)},
                        explicitVr);
                tag(items, ITEM);
                u32(items, item.size());
                items.writeBytes(item.toByteArray());
            }
            element(out, FAILED_SOP_SEQUENCE, "SQ", items.toByteArray(), explicitVr);
        }
        if (!committed.isEmpty()) {
            ByteArrayOutputStream items = new ByteArrayOutputStream();
            for (Reference reference : committed) {
                ByteArrayOutputStream item = new ByteArrayOutputStream(128);
                element(item, REFERENCED_SOP_CLASS_UID, "UI", uid(reference.sopClassUid()), explicitVr);
                element(item, REFERENCED_SOP_INSTANCE_UID, "UI", uid(reference.sopInstanceUid()), explicitVr);
                tag(items, ITEM);
                u32(items, item.size());
                items.writeBytes(item.toByteArray());
            }
            element(out, REFERENCED_SOP_SEQUENCE, "SQ", items.toByteArray(), explicitVr);
        }
        return out.toByteArray();
    }

    private static byte[] uid(String value) {
        byte[] raw = value.getBytes(StandardCharsets.US_ASCII);
        if (raw.length % 2 == 0) {
            return raw;
        }
        byte[] even = java.util.Arrays.copyOf(raw, raw.length + 1);
        return even; // padded with NUL (PS3.5 9.1)
    }

    private static void element(ByteArrayOutputStream out, int tag, String vr, byte[] value, boolean explicitVr) {
        tag(out, tag);
        if (explicitVr) {
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            if (vr.equals("SQ")) {
                out.write(0);
                out.write(0);
                u32(out, value.length);
            } else {
                out.write(value.length);
                out.write(value.length >>> 8);
            }
        } else {
            u32(out, value.length);
        }
        out.writeBytes(value);
    }

    private static void tag(ByteArrayOutputStream out, int tag) {
        out.write(tag >>> 16);
        out.write(tag >>> 24);
        out.write(tag);
        out.write(tag >>> 8);
    }

    private static void u32(ByteArrayOutputStream out, int value) {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }

    private record Header(int tag, long length, boolean sequence) {
    }

    /** Little endian element headers over a byte array; every length is checked against what is left. */
    private static final class Reader {
        private final byte[] bytes;
        private final boolean explicitVr;
        private int offset;

        Reader(byte[] bytes, boolean explicitVr) {
            this.bytes = bytes;
            this.explicitVr = explicitVr;
        }

        boolean hasMore() {
            return offset < bytes.length;
        }

        Header header() throws MalformedCommandException {
            need(8);
            int tag = (u16(offset) << 16) | u16(offset + 2);
            if ((tag >>> 16) == 0xFFFE) { // item delimiters carry no VR
                long length = u32(offset + 4);
                offset += 8;
                return new Header(tag, length, false);
            }
            if (!explicitVr) {
                long length = u32(offset + 4);
                offset += 8;
                return new Header(tag, length, tag == REFERENCED_SOP_SEQUENCE || tag == FAILED_SOP_SEQUENCE);
            }
            String vr = new String(bytes, offset + 4, 2, StandardCharsets.US_ASCII);
            boolean longForm = switch (vr) {
                case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV" -> true;
                default -> false;
            };
            if (longForm) {
                need(12);
                long length = u32(offset + 8);
                offset += 12;
                return new Header(tag, length, vr.equals("SQ"));
            }
            long length = u16(offset + 6);
            offset += 8;
            return new Header(tag, length, false);
        }

        String text(Header header) throws MalformedCommandException {
            int length = defined(header);
            need(length);
            String value = Uids.trimPadding(new String(bytes, offset, length, StandardCharsets.US_ASCII));
            offset += length;
            return value;
        }

        void skip(Header header) throws MalformedCommandException {
            if (header.sequence && header.length == UNDEFINED) {
                skipUndefinedSequence();
                return;
            }
            int length = defined(header);
            need(length);
            offset += length;
        }

        /** Skips an undefined-length sequence of defined-length items (deeper undefined nesting is refused). */
        private void skipUndefinedSequence() throws MalformedCommandException {
            while (true) {
                Header item = header();
                if (item.tag == SEQUENCE_END) {
                    return;
                }
                if (item.tag != ITEM || item.length == UNDEFINED) {
                    throw new MalformedCommandException("Action Information nests undefined-length items");
                }
                int length = defined(item);
                need(length);
                offset += length;
            }
        }

        List<Reference> references(Header sequence, int maxInstances) throws MalformedCommandException {
            if (!sequence.sequence) {
                throw new MalformedCommandException("Referenced SOP Sequence (0008,1199) is not a sequence");
            }
            int end = sequence.length == UNDEFINED ? bytes.length : offset + defined(sequence);
            if (sequence.length != UNDEFINED) {
                need(end - offset);
            }
            List<Reference> references = new ArrayList<>();
            while (offset < end) {
                Header item = header();
                if (item.tag == SEQUENCE_END) {
                    return references;
                }
                if (item.tag != ITEM) {
                    throw new MalformedCommandException("Referenced SOP Sequence holds an element that is not an item");
                }
                if (references.size() == maxInstances) {
                    throw new LimitException(maxInstances);
                }
                int itemEnd = item.length == UNDEFINED ? end : offset + defined(item);
                String sopClass = null;
                String sopInstance = null;
                while (offset < itemEnd) {
                    Header element = header();
                    if (element.tag == ITEM_END) {
                        break;
                    }
                    if (element.tag == REFERENCED_SOP_CLASS_UID) {
                        sopClass = text(element);
                    } else if (element.tag == REFERENCED_SOP_INSTANCE_UID) {
                        sopInstance = text(element);
                    } else if (element.sequence) {
                        throw new MalformedCommandException("Referenced SOP Sequence items nest a sequence");
                    } else {
                        skip(element);
                    }
                }
                if (sopClass == null || sopInstance == null || !Uids.isValid(sopClass) || !Uids.isValid(sopInstance)) {
                    throw new MalformedCommandException("a Referenced SOP Sequence item lacks a valid Referenced SOP "
                            + "Class UID or Referenced SOP Instance UID");
                }
                references.add(new Reference(sopClass, sopInstance));
            }
            if (sequence.length == UNDEFINED) {
                throw new MalformedCommandException("Referenced SOP Sequence has no sequence delimiter");
            }
            return references;
        }

        private int defined(Header header) throws MalformedCommandException {
            if (header.length == UNDEFINED || header.length > bytes.length - offset) {
                throw new MalformedCommandException(String.format("element (%04X,%04X) length %d runs past the data set",
                        header.tag >>> 16, header.tag & 0xFFFF, header.length));
            }
            return (int) header.length;
        }

        private void need(int count) throws MalformedCommandException {
            if (count < 0 || bytes.length - offset < count) {
                throw new MalformedCommandException("Action Information ends inside an element");
            }
        }

        private int u16(int at) {
            return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8;
        }

        private long u32(int at) {
            return (bytes[at] & 0xFFL) | (bytes[at + 1] & 0xFFL) << 8 | (bytes[at + 2] & 0xFFL) << 16
                    | (bytes[at + 3] & 0xFFL) << 24;
        }
    }

    /** More references than the configured limit (dicom.storageCommitment.maxInstancesPerRequest). */
    public static final class LimitException extends MalformedCommandException {
        public LimitException(int limit) {
            super("more than " + limit + " instances (dicom.storageCommitment.maxInstancesPerRequest)");
        }
    }
}
