package dev.dicomgateway.receive;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.receive.tls.PemCertificates;
import dev.dicomgateway.receive.tls.PemPrivateKey;
import dev.dicomgateway.receive.tls.TlsMaterialException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server side of the DICOM TLS port, built from dicom.tls.*: the server's key and chain, the CAs trusted for
 * client certificates, the protocols, cipher suites and client authentication. It layers TLS over a connection that
 * the accept loop has already admitted; the handshake itself is {@link TlsHandshake}'s.
 */
final class TlsServerContext {
    private static final char[] NO_PASSWORD = new char[0];

    static {
        // A TLS 1.2 client may not renegotiate (JSSE allows it by default): each renegotiation costs a private-key
        // operation, so a peer looping on it would occupy the CPU. Read by JSSE once, at its first server handshake.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }

    private final SSLContext context;
    private final SSLParameters parameters;
    private final X509Certificate serverCertificate;

    private TlsServerContext(SSLContext context, SSLParameters parameters, X509Certificate serverCertificate) {
        this.context = context;
        this.parameters = parameters;
        this.serverCertificate = serverCertificate;
    }

    /** Reads the files again (the configuration checked them when it was loaded) and builds the context. */
    static TlsServerContext create(GatewayConfig.Tls settings) throws IOException {
        try {
            List<X509Certificate> chain = PemCertificates.read(settings.certificate());
            PrivateKey key = PemPrivateKey.read(settings.privateKey());
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, NO_PASSWORD);
            TrustManager[] trustManagers = null;
            if (settings.trustedCertificates().isPresent()) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int i = 0;
                for (X509Certificate ca : PemCertificates.read(settings.trustedCertificates().get())) {
                    trusted.setCertificateEntry("ca-" + i++, ca);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trusted);
                trustManagers = factory.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers, null);
            SSLParameters parameters = context.getDefaultSSLParameters();
            parameters.setProtocols(settings.protocols().toArray(new String[0]));
            if (!settings.cipherSuites().isEmpty()) {
                parameters.setCipherSuites(settings.cipherSuites().toArray(new String[0]));
            }
            parameters.setUseCipherSuitesOrder(true);
            switch (settings.clientAuth()) {
                case REQUIRED -> parameters.setNeedClientAuth(true);
                case OPTIONAL -> parameters.setWantClientAuth(true);
                case NONE -> parameters.setWantClientAuth(false);
            }
            return new TlsServerContext(context, parameters, chain.get(0));
        } catch (TlsMaterialException | GeneralSecurityException e) {
            throw new IOException("cannot set up the DICOM TLS port: " + e.getMessage()
                    + " (dicom.tls.certificate, dicom.tls.privateKey, dicom.tls.trustedCertificates)", e);
        }
    }

    /** TLS in server mode over {@code connection}, whose first bytes {@code consumed} were already read from it. */
    SSLSocket layer(Socket connection, byte[] consumed) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(connection,
                new ByteArrayInputStream(consumed), true);
        socket.setUseClientMode(false);
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** When the server certificate expires (its notAfter). */
    Instant certificateExpiry() {
        return serverCertificate.getNotAfter().toInstant();
    }

    List<String> protocols() {
        return List.of(parameters.getProtocols());
    }
}
