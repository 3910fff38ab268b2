package dev.dicomgateway.deidentify;

/**
 * The data set has no PatientID and deidentify.requirePatientId is set: the instance is refused before anything of
 * it is staged or recorded. The message is the sender's Error Comment (no PHI, at most 64 characters).
 */
public final class MissingPatientIdException extends Exception {
    public MissingPatientIdException() {
        super("data set has no PatientID (deidentify.requirePatientId)");
    }
}
