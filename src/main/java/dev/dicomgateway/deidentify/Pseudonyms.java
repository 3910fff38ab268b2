package dev.dicomgateway.deidentify;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed, deterministic pseudonyms: HMAC-SHA256 under the site secret, with a distinct domain per kind, so the same
 * input and secret always give the same output (across restarts and gateways), and nobody without the secret can
 * link a pseudonym to its original — unlike unkeyed UID hashing.
 */
final class Pseudonyms {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    /** 13 base32 characters = 65 bits; with a prefix of at most 3 characters an id fits AccessionNumber (SH, 16). */
    private static final int ID_CHARACTERS = 13;

    private final SecretKeySpec key;
    private final String entityPrefix;
    private final String itemPrefix;
    private final int dateShiftMaxDays;

    Pseudonyms(byte[] secret, String entityPrefix, String itemPrefix, int dateShiftMaxDays) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.entityPrefix = entityPrefix;
        this.itemPrefix = itemPrefix;
        this.dateShiftMaxDays = dateShiftMaxDays;
    }

    /** Replaces PatientID and PatientName: the patient as identified by its issuer and ID. */
    String entityId(String issuerOfPatientId, String patientId) {
        return entityId(new PatientKey(PatientKey.Source.PATIENT_ID, java.util.List.of(issuerOfPatientId, patientId)));
    }

    /** Replaces PatientID and PatientName: the patient as {@code patient} identifies it (see {@link PatientKey}). */
    String entityId(PatientKey patient) {
        return entityPrefix + base32(hmac("entity" + patient.source().domain(), patient.parts().toArray(String[]::new)));
    }

    /** Replaces AccessionNumber and names the study: the study as identified by its Study Instance UID. */
    String itemId(String studyInstanceUid) {
        return itemPrefix + base32(hmac("item", studyInstanceUid));
    }

    /** A UID under the 2.25 root (PS3.5 B.2): the decimal value of 128 HMAC bits. */
    String uid(String originalUid) {
        byte[] mac = hmac("uid", originalUid);
        byte[] first128 = java.util.Arrays.copyOf(mac, 16);
        return "2.25." + new BigInteger(1, first128);
    }

    /**
     * Passthrough mode (deidentify.enabled=false) stages the data set unchanged but names it with these keyed digests,
     * never with its values: entity from the PatientID, item from the StudyInstanceUID, series and instance names from
     * their UIDs (in the 2.25 form, so the spool's UID checks hold). Their own domains keep them apart from the
     * profile's pseudonyms.
     */
    String passthroughEntity(String patientId) {
        return entityPrefix + base32(hmac("passthrough-entity", patientId));
    }

    String passthroughItem(String studyInstanceUid) {
        return itemPrefix + base32(hmac("passthrough-item", studyInstanceUid));
    }

    String passthroughUid(String uid) {
        return "2.25." + new BigInteger(1, java.util.Arrays.copyOf(hmac("passthrough-uid", uid), 16));
    }

    /** Days to move this patient's dates into the past: 1..dateShiftMaxDays. */
    int dateShiftDays(String issuerOfPatientId, String patientId) {
        return dateShiftDays(new PatientKey(PatientKey.Source.PATIENT_ID, java.util.List.of(issuerOfPatientId, patientId)));
    }

    /** Days to move the dates of the patient {@code patient} identifies into the past: 1..dateShiftMaxDays. */
    int dateShiftDays(PatientKey patient) {
        byte[] mac = hmac("date" + patient.source().domain(), patient.parts().toArray(String[]::new));
        long value = new BigInteger(1, java.util.Arrays.copyOf(mac, 8)).longValue() & Long.MAX_VALUE;
        return (int) (value % dateShiftMaxDays) + 1;
    }

    /** A key for sealing data at rest, in its own HMAC domain (never a pseudonym). */
    byte[] sealingKey() {
        return hmac("sealing-key");
    }

    private byte[] hmac(String domain, String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(domain.getBytes(StandardCharsets.UTF_8));
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update(new byte[] {0, (byte) (bytes.length >>> 8), (byte) bytes.length}); // unambiguous framing
                mac.update(bytes);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    private static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder(ID_CHARACTERS);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; out.length() < ID_CHARACTERS; i++) {
            buffer = buffer << 8 | (bytes[i] & 0xFF);
            bits += 8;
            while (bits >= 5 && out.length() < ID_CHARACTERS) {
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }
}
