package dev.dicomgateway.receive;

/** What a C-STORE request and its association say about the instance whose data set follows. */
public record StoreRequest(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, String callingAeTitle) {
}
