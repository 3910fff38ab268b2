package dev.dicomgateway.receive;

import dev.dicomgateway.dicom.TransferSyntax;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.pdu.PresentationContextAnswer;
import dev.dicomgateway.receive.pdu.PresentationContextProposal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which presentation contexts the gateway accepts: Verification, Storage Commitment Push Model (implicit or explicit VR
 * little endian only, the syntaxes its data sets are parsed in) and every Storage SOP Class (standard and private),
 * with the first transfer syntax the sender proposes that the gateway stores as received — uncompressed, deflate,
 * JPEG, JPEG-LS, JPEG 2000, HTJ2K, RLE, MPEG and HEVC. Honouring the sender's order means it never has to transcode.
 * A context whose ID is not odd (1..255) or repeats an earlier ID of the request is rejected, so an ID always names
 * one abstract syntax.
 */
final class PresentationContextPolicy {
    private static final String STANDARD_ROOT = "1.2.840.10008.";
    /** Roots of the standard's storage SOP classes (PS3.4 B.5): images, SR, waveforms, RT, and the later additions. */
    private static final List<String> STORAGE_ROOTS = List.of(
            "1.2.840.10008.5.1.4.1.1.",
            "1.2.840.10008.5.1.4.34.",
            "1.2.840.10008.5.1.4.38.",
            "1.2.840.10008.5.1.4.39.",
            "1.2.840.10008.5.1.4.43.",
            "1.2.840.10008.5.1.4.44.",
            "1.2.840.10008.5.1.4.45.");

    List<PresentationContextAnswer> negotiate(List<PresentationContextProposal> proposals) {
        List<PresentationContextAnswer> answers = new ArrayList<>(proposals.size());
        Set<Integer> ids = new HashSet<>();
        for (PresentationContextProposal proposal : proposals) {
            boolean validId = proposal.id() % 2 == 1 && ids.add(proposal.id());
            answers.add(validId ? answer(proposal) : new PresentationContextAnswer(proposal.id(),
                    PresentationContextAnswer.PROVIDER_REJECTION, null, proposal.abstractSyntax()));
        }
        return answers;
    }

    private static PresentationContextAnswer answer(PresentationContextProposal proposal) {
        String abstractSyntax = proposal.abstractSyntax();
        if (!isAcceptedAbstractSyntax(abstractSyntax)) {
            return new PresentationContextAnswer(proposal.id(), PresentationContextAnswer.ABSTRACT_SYNTAX_NOT_SUPPORTED,
                    null, abstractSyntax);
        }
        boolean commitment = abstractSyntax.equals(Uids.STORAGE_COMMITMENT_PUSH_MODEL);
        for (String transferSyntax : proposal.transferSyntaxes()) {
            if (commitment ? transferSyntax.equals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)
                    || transferSyntax.equals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)
                    : TransferSyntax.isStorable(transferSyntax)) {
                return new PresentationContextAnswer(proposal.id(), PresentationContextAnswer.ACCEPTANCE,
                        transferSyntax, abstractSyntax);
            }
        }
        return new PresentationContextAnswer(proposal.id(), PresentationContextAnswer.TRANSFER_SYNTAXES_NOT_SUPPORTED,
                null, abstractSyntax);
    }

    /** Verification, the standard's storage SOP classes, and any SOP class outside the standard's root (private storage). */
    static boolean isAcceptedAbstractSyntax(String uid) {
        if (!Uids.isValid(uid)) {
            return false;
        }
        if (uid.equals(Uids.VERIFICATION) || uid.equals(Uids.STORAGE_COMMITMENT_PUSH_MODEL) || !uid.startsWith(STANDARD_ROOT)) {
            return true;
        }
        return STORAGE_ROOTS.stream().anyMatch(uid::startsWith);
    }
}
