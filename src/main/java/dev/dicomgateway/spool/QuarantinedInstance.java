package dev.dicomgateway.spool;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One instance held in quarantine/: its id (the de-identified SOP Instance UID, also its file name), why it is held,
 * what it is (Modality and SOP Class UID as staged, i.e. de-identified), its size, when it was received (the staged
 * file's time), and the pseudonymous study it belongs to. Nothing here is PHI.
 */
public record QuarantinedInstance(String id, String reason, String modality, String sopClassUid, long bytes,
                                  Instant receivedAt, String entity, String item, Path file) {

    /** The fields of `quarantine list --json` and of the console's /api/quarantine, exactly these, in this order. */
    public java.util.Map<String, Object> fields() {
        java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("id", id);
        fields.put("reason", reason);
        fields.put("modality", modality);
        fields.put("sopClassUid", sopClassUid);
        fields.put("bytes", bytes);
        fields.put("receivedAt", receivedAt.toString());
        fields.put("entity", entity);
        fields.put("item", item);
        return fields;
    }
}
