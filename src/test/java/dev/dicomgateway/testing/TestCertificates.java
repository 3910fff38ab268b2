package dev.dicomgateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away PKI made with the real openssl in a test's directory: a CA, a server certificate for 127.0.0.1 signed
 * by it, a client certificate signed by it, and a self-signed client certificate no gateway trusts. Keys are RSA or
 * EC; openssl writes them as PKCS#8, and {@link #traditional} converts one to PKCS#1 or SEC1.
 */
public record TestCertificates(Path dir, Path caCertificate, Path serverCertificate, Path serverKey,
                               Path clientCertificate, Path clientKey, Path untrustedCertificate, Path untrustedKey) {
    public enum KeyType {
        RSA("rsa:2048"), EC("ec");

        private final String newkey;

        KeyType(String newkey) {
            this.newkey = newkey;
        }
    }

    /** Creates the CA and certificates under {@code dir} (valid for {@code days} days). */
    public static TestCertificates create(Path dir, KeyType type, int days) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestCertificates pki = new TestCertificates(dir, dir.resolve("ca.pem"), dir.resolve("server.pem"),
                dir.resolve("server.key"), dir.resolve("client.pem"), dir.resolve("client.key"),
                dir.resolve("untrusted.pem"), dir.resolve("untrusted.key"));
        Path extensions = dir.resolve("leaf.ext");
        Files.writeString(extensions, "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                + "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n");
        selfSigned(type, dir.resolve("ca.key"), pki.caCertificate, "/CN=dicom-gateway test CA", days);
        signed(type, pki.serverKey, pki.serverCertificate, "/CN=localhost", pki, extensions, days);
        signed(type, pki.clientKey, pki.clientCertificate, "/CN=test modality", pki, extensions, days);
        selfSigned(type, pki.untrustedKey, pki.untrustedCertificate, "/CN=untrusted modality", days);
        return pki;
    }

    /** The traditional form of {@code pkcs8Key} ("RSA PRIVATE KEY" or "EC PRIVATE KEY"), written beside it. */
    public static Path traditional(Path pkcs8Key, KeyType type) throws IOException, InterruptedException {
        Path out = pkcs8Key.resolveSibling(pkcs8Key.getFileName() + ".traditional");
        if (type == KeyType.RSA) {
            openssl("rsa", "-in", pkcs8Key.toString(), "-traditional", "-out", out.toString());
        } else {
            openssl("ec", "-in", pkcs8Key.toString(), "-out", out.toString());
        }
        return out;
    }

    private static void selfSigned(KeyType type, Path key, Path certificate, String subject, int days)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("req", "-x509", "-newkey", type.newkey));
        if (type == KeyType.EC) {
            command.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        command.addAll(List.of("-nodes", "-keyout", key.toString(), "-out", certificate.toString(), "-days",
                String.valueOf(days), "-subj", subject));
        openssl(command.toArray(new String[0]));
    }

    private static void signed(KeyType type, Path key, Path certificate, String subject, TestCertificates pki,
                               Path extensions, int days) throws IOException, InterruptedException {
        Path request = key.resolveSibling(key.getFileName() + ".csr");
        List<String> command = new ArrayList<>(List.of("req", "-new", "-newkey", type.newkey));
        if (type == KeyType.EC) {
            command.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        command.addAll(List.of("-nodes", "-keyout", key.toString(), "-out", request.toString(), "-subj", subject));
        openssl(command.toArray(new String[0]));
        openssl("x509", "-req", "-in", request.toString(), "-CA", pki.caCertificate.toString(), "-CAkey",
                pki.dir.resolve("ca.key").toString(), "-CAcreateserial", "-out", certificate.toString(), "-days",
                String.valueOf(days), "-extfile", extensions.toString());
    }

    /** Runs openssl; its output on failure. */
    public static String openssl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Dcmtk.Result result = Dcmtk.run(command);
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + result.output());
        }
        return result.output();
    }

    /** The DICOM_GATEWAY_* overrides of a TLS port on a free port with these files, clientAuth required. */
    public String[] gatewayOverrides(String... more) {
        List<String> overrides = new ArrayList<>(List.of(
                "DICOM_GATEWAY_DICOM_TLS_ENABLED", "true",
                "DICOM_GATEWAY_DICOM_TLS_PORT", "0",
                "DICOM_GATEWAY_DICOM_TLS_CERTIFICATE", serverCertificate.toString(),
                "DICOM_GATEWAY_DICOM_TLS_PRIVATEKEY", serverKey.toString(),
                "DICOM_GATEWAY_DICOM_TLS_TRUSTEDCERTIFICATES", caCertificate.toString()));
        overrides.addAll(List.of(more));
        return overrides.toArray(new String[0]);
    }

    /** dcmtk's options for a client with the trusted client certificate, verifying the server by the CA. */
    public List<String> trustedClient() {
        return List.of("+tls", clientKey.toString(), clientCertificate.toString(), "+cf", caCertificate.toString());
    }

    /** dcmtk's options for a client with the self-signed certificate. */
    public List<String> untrustedClient() {
        return List.of("+tls", untrustedKey.toString(), untrustedCertificate.toString(), "+cf", caCertificate.toString());
    }

    /** dcmtk's options for anonymous TLS (no client certificate), verifying the server by the CA. */
    public List<String> anonymousClient() {
        return List.of("+tla", "+cf", caCertificate.toString());
    }
}
