package dev.dicomgateway.config;

import dev.dicomgateway.receive.tls.KeyPairCheck;
import dev.dicomgateway.receive.tls.PemCertificates;
import dev.dicomgateway.receive.tls.PemPrivateKey;
import dev.dicomgateway.receive.tls.TlsMaterialException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * dicom.tls.*, checked when the configuration is loaded (so `check` reports it too): the files are read and parsed,
 * the key must match the certificate, and every protocol and cipher suite must be one this Java runtime supports.
 */
final class TlsSettings {
    /** The versions BCP 195 (and so PS3.15's profiles) allow. */
    private static final Set<String> SECURE_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    private TlsSettings() {
    }

    static Optional<GatewayConfig.Tls> from(ConfigValues values) throws ConfigException {
        if (!values.bool("dicom.tls.enabled")) {
            return Optional.empty();
        }
        int port = values.integer("dicom.tls.port", 0, 65535);
        GatewayConfig.ClientAuth clientAuth = clientAuth(values);
        Path certificateFile = file(values, "dicom.tls.certificate", "the PEM certificate chain of the server (its own "
                + "certificate first)");
        Path keyFile = file(values, "dicom.tls.privateKey", "the PEM private key of the server certificate");
        List<X509Certificate> chain = certificates(values, "dicom.tls.certificate", certificateFile);
        PrivateKey key;
        try {
            key = PemPrivateKey.read(keyFile);
        } catch (TlsMaterialException e) {
            throw values.invalid("dicom.tls.privateKey", keyFile, "a readable, unencrypted PEM private key: " + e.getMessage());
        }
        if (!KeyPairCheck.matches(key, chain.get(0))) {
            throw values.invalid("dicom.tls.privateKey", keyFile, "the private key of the first certificate in "
                    + certificateFile + " (dicom.tls.certificate), but they do not belong together: compare "
                    + "`openssl pkey -in KEY -pubout` with `openssl x509 -in CERT -noout -pubkey`");
        }
        Optional<Path> trusted = Optional.empty();
        if (clientAuth == GatewayConfig.ClientAuth.NONE) {
            if (!values.string("dicom.tls.trustedCertificates").isEmpty()) {
                trusted = Optional.of(file(values, "dicom.tls.trustedCertificates", "a PEM bundle of trusted CA certificates"));
                certificates(values, "dicom.tls.trustedCertificates", trusted.get());
            }
        } else {
            if (values.string("dicom.tls.trustedCertificates").isEmpty()) {
                throw values.invalid("dicom.tls.trustedCertificates", "", "a PEM bundle of the CAs whose client "
                        + "certificates are accepted, since dicom.tls.clientAuth is " + clientAuth.name().toLowerCase(Locale.ROOT)
                        + " (or set dicom.tls.clientAuth: none to accept clients without certificates)");
            }
            trusted = Optional.of(file(values, "dicom.tls.trustedCertificates", "a PEM bundle of trusted CA certificates"));
            certificates(values, "dicom.tls.trustedCertificates", trusted.get());
        }
        SSLParameters supported = supported();
        List<String> protocols = values.list("dicom.tls.protocols");
        if (protocols.isEmpty()) {
            throw values.invalid("dicom.tls.protocols", "[]", "at least one protocol, e.g. [TLSv1.3, TLSv1.2]");
        }
        Set<String> usable = new java.util.TreeSet<>(Set.of(supported.getProtocols()));
        usable.retainAll(SECURE_PROTOCOLS);
        checkNames(values, "dicom.tls.protocols", protocols, usable, "protocol names from " + String.join(", ", usable)
                + " (older versions are insecure and not allowed, BCP 195)");
        List<String> suites = values.list("dicom.tls.cipherSuites");
        checkNames(values, "dicom.tls.cipherSuites", suites, Set.of(supported.getCipherSuites()),
                "cipher suite names as Java spells them, e.g. TLS_AES_128_GCM_SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
                        + " (an empty list uses the Java runtime's defaults)");
        return Optional.of(new GatewayConfig.Tls(port, certificateFile, keyFile, trusted, clientAuth, protocols, suites));
    }

    private static GatewayConfig.ClientAuth clientAuth(ConfigValues values) throws ConfigException {
        String text = values.nonEmptyString("dicom.tls.clientAuth");
        try {
            return GatewayConfig.ClientAuth.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw values.invalid("dicom.tls.clientAuth", text, "one of required, optional, none");
        }
    }

    private static Path file(ConfigValues values, String key, String expected) throws ConfigException {
        if (values.string(key).isEmpty()) {
            throw values.invalid(key, "", expected + ", since dicom.tls.enabled is true");
        }
        return values.path(key);
    }

    private static List<X509Certificate> certificates(ConfigValues values, String key, Path file) throws ConfigException {
        try {
            return PemCertificates.read(file);
        } catch (TlsMaterialException e) {
            throw values.invalid(key, file, "a readable PEM file of certificates: " + e.getMessage());
        }
    }

    private static void checkNames(ConfigValues values, String key, List<String> names, Set<String> supported,
                                   String expected) throws ConfigException {
        for (String name : names) {
            if (!supported.contains(name)) {
                throw values.invalid(key, name, expected);
            }
        }
    }

    private static SSLParameters supported() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, null, null);
            return context.getSupportedSSLParameters();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no TLS", e);
        }
    }
}
