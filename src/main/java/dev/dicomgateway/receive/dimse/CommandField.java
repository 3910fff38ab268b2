package dev.dicomgateway.receive.dimse;

/** (0000,0100) Command Field values (PS3.7 E.1). */
public final class CommandField {
    public static final int C_STORE_RQ = 0x0001;
    public static final int C_STORE_RSP = 0x8001;
    public static final int C_ECHO_RQ = 0x0030;
    public static final int C_ECHO_RSP = 0x8030;
    public static final int C_CANCEL_RQ = 0x0FFF;

    /** (0000,0800) Command Data Set Type value meaning "no data set follows". */
    public static final int NO_DATA_SET = 0x0101;

    private CommandField() {
    }
}
