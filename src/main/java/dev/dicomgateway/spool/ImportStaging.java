package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.DataSetLayout;
import dev.dicomgateway.dicom.DataSetLimits;
import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.InstanceHeaderReader;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import dev.dicomgateway.receive.ReceivedInstance;
import dev.dicomgateway.receive.StoreOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One imported file on the path of a received instance: the same layout checks, then the stager (de-identify,
 * fsync, rename into incoming/). Used by the import that owns the spool ({@link FolderImport}) and by the owner's
 * inbox worker ({@link InboxWorker}).
 */
final class ImportStaging {
    /** The calling AE title imported instances are recorded with (metadata column calling_ae). */
    static final String CALLING_AE = "IMPORT";

    private final InstanceStager stager;
    private final DataSetLimits limits;

    ImportStaging(InstanceStager stager, DataSetLimits limits) {
        this.stager = stager;
        this.limits = limits;
    }

    /** The staging attributes of {@code file} if it passes the checks a received data set must pass. */
    static InstanceHeader header(Path file, DataSetLimits limits) throws IOException, UnreadableDataSetException {
        DataSetLayout.read(file, limits);
        return new InstanceHeaderReader().read(file);
    }

    /** The skip reason of a file that is not a DICOM Part 10 file or that the checks refuse. */
    static String notDicom(UnreadableDataSetException e) {
        return "not a DICOM Part 10 file or refused (" + e.getMessage() + ")";
    }

    /** Checks and stages {@code file}, a copy inside the spool that the caller deletes; empty when staged, else why not. */
    Optional<String> stage(Path file) throws IOException {
        InstanceHeader header;
        try {
            header = header(file, limits);
        } catch (UnreadableDataSetException e) {
            return Optional.of(notDicom(e));
        }
        return stage(file, header);
    }

    /** Stages {@code file} whose header has been read; empty when staged, else why not. */
    Optional<String> stage(Path file, InstanceHeader header) throws IOException {
        StoreOutcome outcome = stager.store(new ReceivedInstance(file, header.sopClassUid(), header.sopInstanceUid(), "",
                CALLING_AE, Files.size(file)));
        return outcome.success() ? Optional.empty() : Optional.of(outcome.reason().label() + " (" + outcome.comment() + ")");
    }

    /** Null when instances may be staged now, else the refusal (the spool's disk is low, or it is full). */
    StoreOutcome admit() {
        return stager.admit();
    }
}
