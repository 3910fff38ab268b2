package dev.dicomgateway.receive.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

/**
 * A private key from a PEM file: PKCS#8 ("BEGIN PRIVATE KEY"), or the traditional OpenSSL forms PKCS#1
 * ("BEGIN RSA PRIVATE KEY") and SEC1 ("BEGIN EC PRIVATE KEY"), which are wrapped into PKCS#8 first. Encrypted keys
 * are refused: the gateway starts unattended and has no place to keep a passphrase.
 */
public final class PemPrivateKey {
    private static final String DECRYPT = "store it unencrypted with mode 0600, e.g. openssl pkey -in KEY -out KEY.plain";

    private PemPrivateKey() {
    }

    public static PrivateKey read(Path file) throws TlsMaterialException {
        List<PemFile.Block> keys = PemFile.read(file).stream().filter(block -> block.label().endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty()) {
            throw new TlsMaterialException(file + " holds no private key (\"BEGIN PRIVATE KEY\", \"BEGIN RSA PRIVATE KEY\""
                    + " or \"BEGIN EC PRIVATE KEY\")");
        }
        if (keys.size() > 1) {
            throw new TlsMaterialException(file + " holds " + keys.size() + " private keys; keep only the server's");
        }
        PemFile.Block block = keys.get(0);
        if (block.label().equals("ENCRYPTED PRIVATE KEY")
                || block.headers().stream().anyMatch(header -> header.replace(" ", "").equalsIgnoreCase("Proc-Type:4,ENCRYPTED"))) {
            throw new TlsMaterialException(file + " holds an encrypted private key, which the gateway cannot use: " + DECRYPT);
        }
        byte[] pkcs8 = switch (block.label()) {
            case "PRIVATE KEY" -> block.der();
            case "RSA PRIVATE KEY" -> TraditionalKeys.rsaToPkcs8(block.der());
            case "EC PRIVATE KEY" -> TraditionalKeys.ecToPkcs8(block.der());
            default -> throw new TlsMaterialException(file + ": \"BEGIN " + block.label() + "\" is not a key form the "
                    + "gateway reads (PKCS#8 \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\")");
        };
        String algorithm = TraditionalKeys.algorithmOf(pkcs8);
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new TlsMaterialException(file + ": the " + algorithm + " private key cannot be read (" + e.getMessage() + ")");
        }
    }
}
