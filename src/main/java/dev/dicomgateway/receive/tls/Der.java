package dev.dicomgateway.receive.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The little DER (X.690) that turning a traditional key into PKCS#8 needs: reading one element with every length
 * checked against the bytes that are there, and writing an element around given content.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int SEQUENCE = 0x30;
    /** [0] EXPLICIT, constructed: the parameters of SEC1's ECPrivateKey. */
    static final int CONTEXT_0 = 0xA0;

    /** One element: its tag, and where its content lies in {@code bytes}. */
    record Element(int tag, byte[] bytes, int contentStart, int contentEnd) {
        byte[] content() {
            return Arrays.copyOfRange(bytes, contentStart, contentEnd);
        }

        /** The whole element, tag and length included. */
        byte[] encoded(int elementStart) {
            return Arrays.copyOfRange(bytes, elementStart, contentEnd);
        }
    }

    private Der() {
    }

    /** The element that starts at {@code offset} and must end by {@code limit}. */
    static Element read(byte[] bytes, int offset, int limit) throws TlsMaterialException {
        if (offset + 2 > limit) {
            throw new TlsMaterialException("truncated DER: an element needs at least 2 bytes at offset " + offset);
        }
        int tag = bytes[offset] & 0xFF;
        int first = bytes[offset + 1] & 0xFF;
        int position = offset + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7F;
            if (count == 0 || count > 4 || position + count > limit) {
                throw new TlsMaterialException("malformed DER length at offset " + (offset + 1));
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (bytes[position++] & 0xFF);
            }
        }
        if (length > limit - position) {
            throw new TlsMaterialException("truncated DER: an element of " + length + " bytes at offset " + offset
                    + " runs past the end");
        }
        return new Element(tag, bytes, position, position + (int) length);
    }

    /** The element at {@code offset}, which must have {@code tag}. */
    static Element expect(byte[] bytes, int offset, int limit, int tag, String what) throws TlsMaterialException {
        Element element = read(bytes, offset, limit);
        if (element.tag() != tag) {
            throw new TlsMaterialException(String.format("not %s: found DER tag 0x%02X where 0x%02X was expected",
                    what, element.tag(), tag));
        }
        return element;
    }

    /** {@code tag}, the DER length of {@code content}, then the content. */
    static byte[] wrap(int tag, byte[]... content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : content) {
            body.writeBytes(part);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 6);
        out.write(tag);
        int length = body.size();
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
