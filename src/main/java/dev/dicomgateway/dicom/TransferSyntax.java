package dev.dicomgateway.dicom;

/** Which transfer syntaxes the gateway can store as received. */
public final class TransferSyntax {
    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

    /** The standard's transfer syntax tree: every member after the three uncompressed ones is explicit VR little endian. */
    private static final String STANDARD_ROOT = "1.2.840.10008.1.2";

    private TransferSyntax() {
    }

    /**
     * True for every transfer syntax of the standard's tree (uncompressed, deflate, JPEG family, JPEG-LS, JPEG 2000,
     * HTJ2K, RLE, MPEG and HEVC video, and ones defined later): the gateway can parse their data sets and stores
     * their bytes unchanged. Private transfer syntaxes are refused because their encoding is unknown.
     */
    public static boolean isStorable(String uid) {
        return Uids.isValid(uid) && (uid.equals(STANDARD_ROOT) || uid.startsWith(STANDARD_ROOT + "."));
    }
}
