package dev.dicomgateway.deidentify;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.dicom.DataSetLayout;
import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.InstanceHeaderReader;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * deidentify.enabled=false, for instances de-identified upstream: the received file is staged as it is, named by keyed
 * digests (HMAC-SHA256 under the site secret, see {@link Pseudonyms}) of its PatientID, StudyInstanceUID, Series and
 * SOP Instance UIDs, so no directory, batch id, object name or log line carries a value of the data set. Keyed, not a
 * plain hash: a PatientID has few enough possible values to be found from its SHA-256 by trying them all. Burned-in
 * screening still applies.
 */
public final class PassthroughDeidentifier implements Deidentifier {
    private final InstanceHeaderReader reader = new InstanceHeaderReader();
    private final QuarantineRules quarantine;
    private final Pseudonyms names;

    private PassthroughDeidentifier(GatewayConfig.Deidentify settings, byte[] secret) {
        this.quarantine = new QuarantineRules(settings);
        this.names = new Pseudonyms(secret, settings.entityPrefix(), settings.itemPrefix(), settings.dateShiftMaxDays());
    }

    /**
     * Loads (or creates) the secret the names are keyed with and checks it against the spool's fingerprint
     * ({@link SecretMismatchException}): another secret would give a study's later series other directory names.
     */
    public static PassthroughDeidentifier open(GatewayConfig.Deidentify settings, Path privateDirectory) throws IOException {
        return new PassthroughDeidentifier(settings, SecretKeyFile.loadForSpool(settings.secretFile(), privateDirectory));
    }

    @Override
    public DeidentifiedInstance deidentify(Path received, DataSetLayout layout, Path output, String callingAeTitle)
            throws IOException, UnreadableDataSetException {
        InstanceHeader header = reader.read(received);
        return new DeidentifiedInstance(received, header, names.passthroughEntity(header.patientId()),
                names.passthroughItem(header.studyInstanceUid()), header.studyInstanceUid(),
                names.passthroughUid(header.seriesInstanceUid()), names.passthroughUid(header.sopInstanceUid()),
                quarantine.reason(header), false);
    }

    @Override
    public String stagedSopInstanceUid(String originalSopInstanceUid) {
        return names.passthroughUid(originalSopInstanceUid);
    }

    @Override
    public byte[] sealingKey() {
        return names.sealingKey();
    }
}
