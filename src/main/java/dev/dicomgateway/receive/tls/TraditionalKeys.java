package dev.dicomgateway.receive.tls;

import java.util.Arrays;

/**
 * OpenSSL's traditional private keys made PKCS#8 (RFC 5208), the form Java reads: PKCS#1 RSAPrivateKey and SEC1
 * ECPrivateKey go, unchanged, inside a PrivateKeyInfo whose AlgorithmIdentifier names RSA, or EC with the curve that
 * the SEC1 key carries. Every length is checked against the bytes present.
 */
final class TraditionalKeys {
    /** 1.2.840.113549.1.1.1 rsaEncryption, encoded. */
    private static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    /** 1.2.840.10045.2.1 id-ecPublicKey, encoded. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    private static final byte[] VERSION_0 = {Der.INTEGER, 0x01, 0x00};
    private static final byte[] NULL = {Der.NULL, 0x00};

    private TraditionalKeys() {
    }

    static byte[] rsaToPkcs8(byte[] pkcs1) throws TlsMaterialException {
        Der.Element key = Der.expect(pkcs1, 0, pkcs1.length, Der.SEQUENCE, "a PKCS#1 RSA private key");
        Der.expect(pkcs1, key.contentStart(), key.contentEnd(), Der.INTEGER, "a PKCS#1 RSA private key (version)");
        return Der.wrap(Der.SEQUENCE, VERSION_0, Der.wrap(Der.SEQUENCE, RSA_ENCRYPTION, NULL),
                Der.wrap(Der.OCTET_STRING, key.encoded(0)));
    }

    /** ECPrivateKey ::= SEQUENCE { version INTEGER 1, privateKey OCTET STRING, [0] parameters, [1] publicKey }. */
    static byte[] ecToPkcs8(byte[] sec1) throws TlsMaterialException {
        Der.Element key = Der.expect(sec1, 0, sec1.length, Der.SEQUENCE, "a SEC1 EC private key");
        Der.Element version = Der.expect(sec1, key.contentStart(), key.contentEnd(), Der.INTEGER, "a SEC1 EC private key (version)");
        Der.Element secret = Der.expect(sec1, version.contentEnd(), key.contentEnd(), Der.OCTET_STRING,
                "a SEC1 EC private key (private key)");
        byte[] curve = null;
        for (int offset = secret.contentEnd(); offset < key.contentEnd(); ) {
            Der.Element field = Der.read(sec1, offset, key.contentEnd());
            if (field.tag() == Der.CONTEXT_0) {
                Der.Element oid = Der.expect(sec1, field.contentStart(), field.contentEnd(), Der.OBJECT_IDENTIFIER,
                        "a named curve (explicit curve parameters are not supported)");
                curve = Arrays.copyOfRange(sec1, field.contentStart(), oid.contentEnd());
            }
            offset = field.contentEnd();
        }
        if (curve == null) {
            throw new TlsMaterialException("the SEC1 EC private key does not name its curve; convert it to PKCS#8 with "
                    + "openssl pkcs8 -topk8 -nocrypt");
        }
        return Der.wrap(Der.SEQUENCE, VERSION_0, Der.wrap(Der.SEQUENCE, EC_PUBLIC_KEY, curve),
                Der.wrap(Der.OCTET_STRING, key.encoded(0)));
    }

    /** "RSA" or "EC", from a PKCS#8 PrivateKeyInfo's algorithm. */
    static String algorithmOf(byte[] pkcs8) throws TlsMaterialException {
        Der.Element info = Der.expect(pkcs8, 0, pkcs8.length, Der.SEQUENCE, "a PKCS#8 private key");
        Der.Element version = Der.expect(pkcs8, info.contentStart(), info.contentEnd(), Der.INTEGER, "a PKCS#8 private key (version)");
        Der.Element algorithm = Der.expect(pkcs8, version.contentEnd(), info.contentEnd(), Der.SEQUENCE,
                "a PKCS#8 private key (algorithm)");
        Der.Element oid = Der.expect(pkcs8, algorithm.contentStart(), algorithm.contentEnd(), Der.OBJECT_IDENTIFIER,
                "a PKCS#8 private key (algorithm id)");
        byte[] encoded = oid.encoded(algorithm.contentStart());
        if (Arrays.equals(encoded, RSA_ENCRYPTION)) {
            return "RSA";
        }
        if (Arrays.equals(encoded, EC_PUBLIC_KEY)) {
            return "EC";
        }
        throw new TlsMaterialException("the private key is neither RSA nor EC (the algorithms DICOM TLS profiles use)");
    }
}
