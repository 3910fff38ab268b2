package dev.dicomgateway.receive.tls;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** The X.509 certificates of a PEM file, in file order (a chain: the server's own certificate first). */
public final class PemCertificates {
    private PemCertificates() {
    }

    public static List<X509Certificate> read(Path file) throws TlsMaterialException {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this Java runtime has no X.509 support", e);
        }
        for (PemFile.Block block : PemFile.read(file)) {
            if (!block.label().equals("CERTIFICATE")) {
                if (block.label().contains("PRIVATE KEY")) {
                    throw new TlsMaterialException(file + " holds a private key where certificates were expected");
                }
                continue; // e.g. "TRUSTED CERTIFICATE" or parameters beside the chain: not ours to use
            }
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException | ClassCastException e) {
                throw new TlsMaterialException(file + ": certificate " + (certificates.size() + 1)
                        + " cannot be parsed as X.509 (" + e.getMessage() + ")");
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsMaterialException(file + " holds no \"BEGIN CERTIFICATE\" block");
        }
        return List.copyOf(certificates);
    }
}
