package dev.dicomgateway.dicom;

import java.util.Map;

/** Transfer syntax UIDs the gateway names, and how each one encodes the data set around the pixel data. */
public final class TransferSyntax {
    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

    /** The standard's transfer syntax tree: every member after the three uncompressed ones is explicit VR little endian. */
    private static final String STANDARD_ROOT = "1.2.840.10008.1.2";

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry(IMPLICIT_VR_LITTLE_ENDIAN, "Implicit VR Little Endian"),
            Map.entry(EXPLICIT_VR_LITTLE_ENDIAN, "Explicit VR Little Endian"),
            Map.entry("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian"),
            Map.entry(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, "Deflated Explicit VR Little Endian"),
            Map.entry(EXPLICIT_VR_BIG_ENDIAN, "Explicit VR Big Endian"),
            Map.entry("1.2.840.10008.1.2.4.50", "JPEG Baseline"),
            Map.entry("1.2.840.10008.1.2.4.51", "JPEG Extended"),
            Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless"),
            Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1"),
            Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
            Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless"),
            Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
            Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
            Map.entry("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Lossless"),
            Map.entry("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2"),
            Map.entry("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile"),
            Map.entry("1.2.840.10008.1.2.4.101", "MPEG2 High Level"),
            Map.entry("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264"),
            Map.entry("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD"),
            Map.entry("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 2D"),
            Map.entry("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 3D"),
            Map.entry("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo"),
            Map.entry("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main"),
            Map.entry("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10"),
            Map.entry("1.2.840.10008.1.2.4.201", "HTJ2K Lossless"),
            Map.entry("1.2.840.10008.1.2.4.202", "HTJ2K Lossless RPCL"),
            Map.entry("1.2.840.10008.1.2.4.203", "HTJ2K"),
            Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"));

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

    /** A readable name for logs, or the UID itself. */
    public static String name(String uid) {
        return NAMES.getOrDefault(uid, uid);
    }
}
