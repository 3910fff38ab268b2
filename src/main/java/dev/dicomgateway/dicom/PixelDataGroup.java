package dev.dicomgateway.dicom;

/**
 * The top-level elements that make up an instance's pixel data and are copied byte for byte: (7FE0,0001)
 * Extended Offset Table, (7FE0,0002) its lengths, (7FE0,0003) Encapsulated Pixel Data Value Total Length,
 * (7FE0,0008) Float, (7FE0,0009) Double Float and (7FE0,0010) Pixel Data. Nothing else of group 7FE0 is.
 */
public final class PixelDataGroup {
    private PixelDataGroup() {
    }

    public static boolean isPermitted(int tag) {
        if ((tag >>> 16) != 0x7FE0) {
            return false;
        }
        int element = tag & 0xFFFF;
        return element == 0x0001 || element == 0x0002 || element == 0x0003 || element == 0x0008 || element == 0x0009
                || element == 0x0010;
    }
}
