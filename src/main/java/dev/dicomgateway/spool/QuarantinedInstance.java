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
}
