package dev.dicomgateway.spool;

import dev.dicomgateway.deidentify.Deidentifier;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.InstanceCommitment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Answers Storage Commitment for the spool: the requester's SOP Instance UID is turned into the staged one by the
 * de-identifier's keyed derivation (never stored), then looked up in the delivered-instance index (sealed or
 * delivered) and, failing that, among the staged files of open studies (incoming/collection/entity/study/series/
 * &lt;sop&gt;.dcm, a walk of the open studies only). Every file it names is fsynced before it is found here: staged
 * files are renamed into place only once durable, so "found" means durable.
 *
 * <p>Sealing moves a study's files from incoming/ into its batch directory first and records them in the index
 * afterwards (then writes the manifest), so an instance in transit is in neither place for a moment. A miss is
 * therefore confirmed in that order's reverse: incoming/, then the batches whose manifest is not written yet, then the
 * index again; an instance that was received is found by one of them however the seal interleaves.
 */
public final class CommittedInstances implements InstanceCommitment {
    private static final int STAGED_DEPTH = 4; // entity/study/series/<sop>.dcm below incoming/<collection>

    private final Deidentifier deidentifier;
    private final DeliveredInstanceIndex index;
    private final Path incomingCollection;
    private final Path batches;
    private final String collection;

    public CommittedInstances(Deidentifier deidentifier, DeliveredInstanceIndex index, SpoolLayout layout,
                              String collection) {
        this.deidentifier = deidentifier;
        this.index = index;
        this.incomingCollection = layout.incoming().resolve(PathSegment.encode(collection));
        this.batches = layout.batches();
        this.collection = collection;
    }

    @Override
    public State state(String sopClassUid, String originalSopInstanceUid) throws IOException {
        if (!Uids.isValid(originalSopInstanceUid)) {
            return State.NOT_RECEIVED;
        }
        String staged = deidentifier.stagedSopInstanceUid(originalSopInstanceUid);
        String fileName = staged + ".dcm";
        Optional<DeliveredInstanceIndex.Entry> known = index.find(collection, staged);
        if (known.isPresent()) {
            if (known.get().stage() != DeliveredInstanceIndex.Stage.DELIVERED) {
                return State.DURABLE;
            }
            // Sent again with other content after delivery: the new version is staged (or being sealed) and the index
            // still says delivered for the old one until the seal. The requester means what it sent last.
            return found(incomingCollection, fileName) || inBatchBeingSealed(fileName) ? State.DURABLE : State.DELIVERED;
        }
        if (found(incomingCollection, fileName) || inBatchBeingSealed(fileName)) {
            return State.DURABLE;
        }
        known = index.find(collection, staged); // recorded while we looked
        if (known.isPresent()) {
            return known.get().stage() == DeliveredInstanceIndex.Stage.DELIVERED ? State.DELIVERED : State.DURABLE;
        }
        return State.NOT_RECEIVED;
    }

    /** In a batch directory that has its files but not yet its manifest (sealed, not yet recorded in the index). */
    private boolean inBatchBeingSealed(String fileName) throws IOException {
        try (Stream<Path> directories = Files.list(batches)) {
            for (Path batch : (Iterable<Path>) directories::iterator) {
                if (!Files.exists(batch.resolve(BatchManifest.FILE_NAME))
                        && found(batch.resolve(BatchManifest.FILES_DIRECTORY), fileName)) {
                    return true;
                }
            }
            return false;
        } catch (NoSuchFileException e) {
            return false;
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static boolean found(Path root, String fileName) throws IOException {
        try (Stream<Path> files = Files.find(root, STAGED_DEPTH,
                (path, attributes) -> attributes.isRegularFile() && path.getFileName().toString().equals(fileName))) {
            return files.findAny().isPresent();
        } catch (NoSuchFileException e) {
            return false;
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
