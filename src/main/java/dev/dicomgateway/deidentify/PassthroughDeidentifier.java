package dev.dicomgateway.deidentify;

import dev.dicomgateway.dicom.DataSetLayout;
import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.InstanceHeaderReader;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * deidentify.enabled=false, for instances de-identified upstream: the received file is staged as it is, under its
 * PatientID and StudyInstanceUID (the spool makes them file-name safe). Burned-in screening still applies.
 */
public final class PassthroughDeidentifier implements Deidentifier {
    private final InstanceHeaderReader reader = new InstanceHeaderReader();
    private final QuarantineRules quarantine;

    public PassthroughDeidentifier(QuarantineRules quarantine) {
        this.quarantine = quarantine;
    }

    @Override
    public DeidentifiedInstance deidentify(Path received, DataSetLayout layout, Path output, String callingAeTitle)
            throws IOException, UnreadableDataSetException {
        InstanceHeader header = reader.read(received);
        return new DeidentifiedInstance(received, header, header.patientId(), header.studyInstanceUid(),
                header.studyInstanceUid(), header.seriesInstanceUid(), header.sopInstanceUid(), quarantine.reason(header), false);
    }
}
