package dev.dicomgateway.deidentify;

import dev.dicomgateway.dicom.DataSetLayout;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import java.io.IOException;
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
}
