package dev.dicomgateway.receive.dimse;

/**
 * The C-STORE / C-ECHO statuses the gateway answers (PS3.4 B.2.3, PS3.7 C). Each failure has its own code so a
 * sender's log tells an engineer what went wrong without access to the gateway.
 */
public final class Status {
    public static final int SUCCESS = 0x0000;
    /** Refused: SOP Class not supported — the C-STORE's SOP class is not the one negotiated on its presentation context. */
    public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    /**
     * Refused: Out of Resources — the spool's disk is below spool.minFreeBytes, full (ENOSPC while writing the
     * instance, then until delivery has freed space), or holds spool.maxBytes of undelivered data.
     */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** Error: Data Set does not match SOP Class — the data set's SOP Class UID differs from the command's. */
    public static final int DATA_SET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    /** Error: Cannot understand — the data set cannot be parsed. */
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** Error: Cannot understand — a required UID (SOP Instance, Study, Series) is missing from the data set. */
    public static final int MISSING_REQUIRED_UID = 0xC001;
    /** Error: Cannot understand — a UID does not follow the UID grammar (e.g. contains "/" or ".."). */
    public static final int INVALID_UID = 0xC002;
    /** Error: Cannot understand — the data set's SOP Instance UID differs from the command's. */
    public static final int SOP_INSTANCE_UID_MISMATCH = 0xC003;
    /** Error: Cannot understand — the data set has no PatientID and deidentify.requirePatientId is set. */
    public static final int MISSING_PATIENT_ID = 0xC004;
    /** Failure: Processing failure — the instance could not be staged (an I/O error other than a full disk, or a bug). */
    public static final int PROCESSING_FAILURE = 0x0110;

    /** N-ACTION failure: No such action — an Action Type ID other than 1 (Request Storage Commitment). */
    public static final int NO_SUCH_ACTION = 0x0123;
    /** N-ACTION failure: No such SOP Instance — the Requested SOP Instance is not the Storage Commitment one. */
    public static final int NO_SUCH_SOP_INSTANCE = 0x0112;
    /** N-ACTION failure: Invalid argument value — the Action Information cannot be parsed or lacks a required UID. */
    public static final int INVALID_ARGUMENT_VALUE = 0x0115;
    /** N-ACTION failure: Resource limitation — too many instances or pending requests (the limit is named). */
    public static final int RESOURCE_LIMITATION = 0x0213;

    private Status() {
    }

    public static String hex(int status) {
        return String.format("0x%04X", status);
    }
}
