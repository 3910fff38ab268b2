package dev.dicomgateway.deidentify;

/** What the confidentiality profile does to one attribute (PS3.15 E.1.1 action codes). */
enum ProfileAction {
    /** K: keep (sequences: keep, and apply the profile inside their items). */
    KEEP,
    /** X: remove. */
    REMOVE,
    /** Z: keep the attribute with a zero-length value (sequences: no items). */
    ZERO,
    /** D: replace with a dummy value of the same VR. */
    DUMMY,
    /** C: clean — dates shifted, free text scrubbed of identifiers, sequences cleaned item by item. */
    CLEAN,
    /** U: replace with a keyed pseudonymous UID. */
    REPLACE_UID
}
