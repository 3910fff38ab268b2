package dev.dicomgateway.receive.pdu;

import java.util.List;

/** One presentation context of an A-ASSOCIATE-RQ: an abstract syntax and the transfer syntaxes offered for it. */
public record PresentationContextProposal(int id, String abstractSyntax, List<String> transferSyntaxes) {
}
