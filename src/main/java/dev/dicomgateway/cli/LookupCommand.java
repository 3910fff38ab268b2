package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.LookupTable;
import dev.dicomgateway.spool.SpoolLayout;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dicom-gateway lookup ID}: the original identifiers behind an entity or item id (authorised staff only). */
@Command(name = "lookup", description = "Print the original PatientID, issuer, AccessionNumber and StudyInstanceUID "
        + "behind an entity id or item id, from the local re-identification table.")
public final class LookupCommand implements Callable<Integer> {
    static final int EXIT_NOT_FOUND = 1;

    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "ID", description = "an entity id (E...) or item id (I...)")
    String id;

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig settings = config.loadWithExistingSpool();
        SpoolLayout layout = new SpoolLayout(settings.spool().dir());
        List<LookupTable.Row> rows;
        try {
            rows = LookupTable.find(layout.privateArea(), id);
        } catch (IOException e) {
            System.err.println("dicom-gateway: cannot read the lookup table in " + layout.privateArea() + ": " + e.getMessage()
                    + " (run as the gateway's service user)");
            return RunCommand.EXIT_START;
        }
        if (rows.isEmpty()) {
            System.err.println("dicom-gateway: no entity or item id " + id + " in " + layout.privateArea()
                    + " (spool.dir; ids are case-sensitive)");
            return EXIT_NOT_FOUND;
        }
        System.out.println("first_seen\tentity_id\titem_id\tpatient_id\tissuer_of_patient_id\taccession_number\tstudy_instance_uid\tdeidentified_study_uid");
        for (LookupTable.Row row : rows) {
            System.out.println(String.join("\t", row.firstSeen(), row.entityId(), row.itemId(), row.patientId(),
                    row.issuerOfPatientId(), row.accessionNumber(), row.studyInstanceUid(), row.deidentifiedStudyUid()));
        }
        return 0;
    }
}
