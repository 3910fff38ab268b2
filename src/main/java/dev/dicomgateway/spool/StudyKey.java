package dev.dicomgateway.spool;

import java.nio.file.Path;

/** One open study in incoming/: collection, entity and item as they appear as directory names (already encoded). */
public record StudyKey(String collection, String entity, String item) {

    /** The study's directory under {@code incoming}. */
    public Path directory(Path incoming) {
        return incoming.resolve(collection).resolve(entity).resolve(item);
    }

    /** The key of the study directory {@code studyDirectory} (incoming/collection/entity/item). */
    public static StudyKey of(Path incoming, Path studyDirectory) {
        Path relative = incoming.relativize(studyDirectory);
        return new StudyKey(relative.getName(0).toString(), relative.getName(1).toString(), relative.getName(2).toString());
    }
}
