package dev.dicomgateway.dicom;

/**
 * The top-level elements that make up an instance's pixel data and are copied byte for byte: (7FE0,0001)
 * Extended Offset Table, (7FE0,0002) its lengths, (7FE0,0003) Encapsulated Pixel Data Value Total Length,
 * (7FE0,0008) Float, (7FE0,0009) Double Float and (7FE0,0010) Pixel Data. Nothing else of group 7FE0 is.
 */
public final class PixelDataGroup {
    private PixelDataGroup() {
    }

    /** A top-level (7FE0,0001)–(7FE0,000F) element that is not one of the permitted ones is refused. */
    static void refuseUnknown(int tag, long offset) throws UnreadableDataSetException {
        if ((tag >>> 16) == 0x7FE0 && (tag & 0xFFFF) != 0 && (tag & 0xFFFF) < 0x0010 && !isPermitted(tag)) {
            throw new UnreadableDataSetException(String.format("unknown pixel data element (7FE0,%04X) at byte %d",
                    tag & 0xFFFF, offset), null);
        }
    }

    public static boolean isPermitted(int tag) {
        if ((tag >>> 16) != 0x7FE0) {
            return false;
        }
        int element = tag & 0xFFFF;
        return element == 0x0001 || element == 0x0002 || element == 0x0003 || element == 0x0008 || element == 0x0009
                || element == 0x0010;
    }

    /**
     * Whether a top-level pixel data element may have {@code vr} (explicit VR): its own VR, or UN of a defined length;
     * Pixel Data OB or OW, of undefined length only when encapsulated (OB/OW). Never a sequence: what is copied
     * verbatim must not hide attributes.
     */
    public static boolean permitsVr(int tag, String vr, boolean undefinedLength) {
        if ("UN".equals(vr)) {
            return !undefinedLength;
        }
        return switch (tag & 0xFFFF) {
            case 0x0001, 0x0002 -> "OV".equals(vr) && !undefinedLength;
            case 0x0003 -> "UV".equals(vr) && !undefinedLength;
            case 0x0008 -> "OF".equals(vr) && !undefinedLength;
            case 0x0009 -> "OD".equals(vr) && !undefinedLength;
            case 0x0010 -> "OB".equals(vr) || "OW".equals(vr);
            default -> false;
        };
    }
}
