package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.InstanceHeaderReader;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.InstanceSink;
import dev.dicomgateway.receive.ReceivedInstance;
import dev.dicomgateway.receive.StoreOutcome;
import dev.dicomgateway.receive.dimse.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stages a received instance: checks its header, then renames the synced temporary file to
 * incoming/collection/entity/study/series/sop.dcm and syncs the directory, so Success is only ever answered for
 * an instance that survives a crash. The same SOP Instance UID received again replaces the earlier copy.
 */
public final class InstanceStager implements InstanceSink {
    private final SpoolLayout layout;
    private final String collection;
    private final DiskSpace diskSpace;
    private final InstanceHeaderReader headerReader = new InstanceHeaderReader();

    public InstanceStager(SpoolLayout layout, String collection, DiskSpace diskSpace) {
        this.layout = layout;
        this.collection = collection;
        this.diskSpace = diskSpace;
    }

    @Override
    public Path temporaryDirectory() {
        return layout.temporary();
    }

    @Override
    public StoreOutcome admit() {
        if (diskSpace.isLow()) {
            return StoreOutcome.refused(Status.OUT_OF_RESOURCES, "disk_low",
                    "gateway spool disk below its free-space threshold");
        }
        return null;
    }

    @Override
    public StoreOutcome store(ReceivedInstance instance) throws IOException {
        InstanceHeader header;
        try {
            header = headerReader.read(instance.file());
        } catch (UnreadableDataSetException e) {
            return StoreOutcome.refused(Status.CANNOT_UNDERSTAND, "unparseable", e.getMessage());
        }
        StoreOutcome invalid = validate(header, instance);
        if (invalid != null) {
            return invalid;
        }
        Path target = layout.instancePath(collection, header.patientId(), header.studyInstanceUid(),
                header.seriesInstanceUid(), header.sopInstanceUid());
        DurableFiles.createDirectories(target.getParent());
        boolean replacing = Files.exists(target);
        DurableFiles.moveDurably(instance.file(), target);
        return replacing ? StoreOutcome.storedAgain() : StoreOutcome.stored();
    }

    private static StoreOutcome validate(InstanceHeader header, ReceivedInstance instance) {
        StoreOutcome uids = requireUid(header.sopInstanceUid(), "SOP Instance UID");
        if (uids == null) {
            uids = requireUid(header.studyInstanceUid(), "Study Instance UID");
        }
        if (uids == null) {
            uids = requireUid(header.seriesInstanceUid(), "Series Instance UID");
        }
        if (uids != null) {
            return uids;
        }
        if (!header.sopInstanceUid().equals(instance.sopInstanceUid())) {
            return StoreOutcome.refused(Status.SOP_INSTANCE_UID_MISMATCH, "uid_mismatch",
                    "data set SOP Instance UID differs from the C-STORE request's");
        }
        if (!header.sopClassUid().isEmpty() && !header.sopClassUid().equals(instance.sopClassUid())) {
            return StoreOutcome.refused(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, "sop_class_mismatch",
                    "data set SOP Class UID differs from the C-STORE request's");
        }
        return null;
    }

    private static StoreOutcome requireUid(String uid, String name) {
        if (uid.isEmpty()) {
            return StoreOutcome.refused(Status.MISSING_REQUIRED_UID, "missing_uid", "data set has no " + name);
        }
        if (!Uids.isValid(uid)) {
            return StoreOutcome.refused(Status.INVALID_UID, "invalid_uid", "data set " + name + " is not a valid UID");
        }
        return null;
    }
}
