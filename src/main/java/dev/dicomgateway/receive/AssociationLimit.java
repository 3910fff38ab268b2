package dev.dicomgateway.receive;

import java.util.concurrent.Semaphore;

/** At most dicom.maxAssociations associations at once; the rest are rejected as transient so senders retry. */
final class AssociationLimit {
    private final Semaphore slots;

    AssociationLimit(int maxAssociations) {
        this.slots = new Semaphore(maxAssociations);
    }

    boolean tryAcquire() {
        return slots.tryAcquire();
    }

    void release() {
        slots.release();
    }
}
