package dev.dicomgateway.receive;

import java.nio.file.Path;

/**
 * A completely received instance: a Part 10 file (our file meta header followed by the data set bytes exactly as
 * received) and what the C-STORE request said about it.
 */
public record ReceivedInstance(Path file, String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
                               String callingAeTitle, long dataSetBytes) {
}
