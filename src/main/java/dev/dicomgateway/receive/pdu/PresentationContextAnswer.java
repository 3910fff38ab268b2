package dev.dicomgateway.receive.pdu;

/** The answer to one proposed presentation context (PS3.8 9.3.3.2). */
public record PresentationContextAnswer(int id, int result, String transferSyntax, String abstractSyntax) {
    public static final int ACCEPTANCE = 0;
    /** Provider rejection, no reason given: what a context with an invalid or repeated ID gets. */
    public static final int PROVIDER_REJECTION = 2;
    public static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    public static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    public boolean accepted() {
        return result == ACCEPTANCE;
    }
}
