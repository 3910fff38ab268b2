package dev.dicomgateway.receive.dimse;

/** (0000,0100) Command Field values (PS3.7 E.1): C-ECHO, C-STORE and the N-ACTION / N-EVENT-REPORT of Storage Commitment. */
public final class CommandField {
    public static final int C_STORE_RQ = 0x0001;
    public static final int C_STORE_RSP = 0x8001;
    public static final int C_ECHO_RQ = 0x0030;
    public static final int C_ECHO_RSP = 0x8030;
    public static final int C_CANCEL_RQ = 0x0FFF;
    public static final int N_EVENT_REPORT_RQ = 0x0100;
    public static final int N_EVENT_REPORT_RSP = 0x8100;
    public static final int N_ACTION_RQ = 0x0130;
    public static final int N_ACTION_RSP = 0x8130;

    /** (0000,0800) Command Data Set Type value meaning "no data set follows". */
    public static final int NO_DATA_SET = 0x0101;

    private CommandField() {
    }
}
