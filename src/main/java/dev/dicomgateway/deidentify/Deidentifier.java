package dev.dicomgateway.deidentify;

import dev.dicomgateway.dicom.DataSetLayout;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/** Produces the form of a received instance that may be staged, and the keys to stage it under. */
public interface Deidentifier {

    /**
     * Reads {@code received} (a Part 10 file as received, already accepted by {@link DataSetLayout#read}, which found
     * {@code layout}) and, when it must be rewritten, writes the de-identified
     * file to {@code output} (its file meta names {@code callingAeTitle} as source, for the metadata rows). The
     * returned instance names the file to stage (either of the two).
     *
     * @throws MissingPatientIdException the data set has no PatientID and the site requires one; nothing was written
     *         or recorded
     */
    DeidentifiedInstance deidentify(Path received, DataSetLayout layout, Path output, String callingAeTitle)
            throws IOException, UnreadableDataSetException, MissingPatientIdException;

    /**
     * Whether {@link #deidentifyHeader} de-identifies instances in {@code transferSyntaxUid} from the attributes
     * before their pixel data alone, so they can be staged in one pass; otherwise they are received into a file and
     * given to {@link #deidentify}.
     */
    default boolean deidentifiesHeaders(String transferSyntaxUid) {
        return false;
    }

    /**
     * De-identifies the attributes before the pixel data, {@code header[0, length)} as the data set reader accepted
     * them (with the {@link dev.dicomgateway.dicom.StructureFingerprint} {@code structure}); the pixel data is
     * appended unchanged by the caller. Writes the staged file's first bytes (file meta group, then the de-identified
     * attributes) to {@code fileHeader} as they are encoded — never a copy of them in memory: a header may be as large
     * as dicom.maxHeaderBytes. Records nothing: the caller calls {@link DeidentifiedHeader#recordStudy()} once the
     * rest of the data set has been read and accepted (as {@link #deidentify} records only what the whole-file check
     * accepted). Only called when {@link #deidentifiesHeaders} says so.
     *
     * @throws MissingPatientIdException as {@link #deidentify}
     */
    default DeidentifiedHeader deidentifyHeader(byte[] header, int length, long structure, String transferSyntaxUid,
                                                String callingAeTitle, OutputStream fileHeader)
            throws IOException, UnreadableDataSetException, MissingPatientIdException {
        throw new UnsupportedOperationException("this de-identifier needs the whole file");
    }

    /**
     * The SOP Instance UID an instance is staged under, derived from its original one the same keyed way the
     * de-identification derives it: how a Storage Commitment request, which names original UIDs, finds what the spool
     * holds without the spool ever storing an original UID.
     */
    String stagedSopInstanceUid(String originalSopInstanceUid);

    /**
     * A 256-bit key derived from the pseudonym secret for sealing what must be kept but never stored in the clear (the
     * original UIDs a pending Storage Commitment report must echo).
     */
    byte[] sealingKey();
}
