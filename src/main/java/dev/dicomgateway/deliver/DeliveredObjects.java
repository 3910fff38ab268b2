package dev.dicomgateway.deliver;

import java.io.IOException;
import java.io.InputStream;

/**
 * What {@link DeliveryAudit} reads of one object destination: an object's size and CRC32C as the destination holds
 * it, and its bytes as a stream (an archive's members are listed from it, never held whole). One class per
 * destination type.
 */
interface DeliveredObjects {
    /** An object's size and CRC32C (base64 of the big-endian value, as the manifest records it). */
    record Held(long size, String crc32c) {
    }

    /** The object named {@code name} in the destination, or null when it is not there. */
    Held held(String name) throws IOException;

    /** Streams the object's bytes; the caller closes it. */
    InputStream open(String name) throws IOException;

    /** Where the objects are, for messages (a directory or gs://bucket). */
    String where();
}
