package dev.dicomgateway.receive.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The blocks of a PEM file (RFC 7468: "-----BEGIN LABEL-----", base64, "-----END LABEL-----"), read with limits: at
 * most {@link #MAX_BYTES} of file and {@link #MAX_BLOCKS} blocks, so a wrong path (a log, a device) fails quickly
 * with a message instead of filling memory. Text outside the blocks (openssl's "Bag Attributes", comments) is skipped.
 */
final class PemFile {
    /** Far above any certificate bundle (the Mozilla CA bundle is about 220 KB). */
    static final int MAX_BYTES = 4 << 20;
    static final int MAX_BLOCKS = 1000;

    /** One block: its label, the RFC 1421 headers seen in it (such as Proc-Type), and its decoded bytes. */
    record Block(String label, List<String> headers, byte[] der) {
    }

    private PemFile() {
    }

    static List<Block> read(Path file) throws TlsMaterialException {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new TlsMaterialException(Files.exists(file) ? file + " is not a regular file"
                        : file + " does not exist");
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw new TlsMaterialException(file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new TlsMaterialException("cannot read " + file + ": permission denied (the service user needs read access)");
        } catch (IOException e) {
            throw new TlsMaterialException("cannot read " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw new TlsMaterialException(file + " is larger than " + (MAX_BYTES >> 20) + " MiB: not a PEM file");
        }
        return parse(new String(bytes, StandardCharsets.US_ASCII), file.toString());
    }

    /** The blocks of {@code text}; {@code name} names it in messages. */
    static List<Block> parse(String text, String name) throws TlsMaterialException {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r");
        String label = null;
        List<String> headers = new ArrayList<>();
        StringBuilder base64 = new StringBuilder();
        int beganAt = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (label == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----") && line.length() > 16) {
                    label = line.substring(11, line.length() - 5);
                    beganAt = i + 1;
                    headers = new ArrayList<>();
                    base64.setLength(0);
                }
                continue;
            }
            if (line.startsWith("-----END ")) {
                if (!line.equals("-----END " + label + "-----")) {
                    throw new TlsMaterialException(name + " line " + (i + 1) + ": \"" + printable(line)
                            + "\" does not end the block \"BEGIN " + label + "\" of line " + beganAt);
                }
                byte[] der;
                try {
                    der = Base64.getDecoder().decode(base64.toString().replaceAll("\\s", ""));
                } catch (IllegalArgumentException e) {
                    throw new TlsMaterialException(name + ": the block \"BEGIN " + label + "\" of line " + beganAt
                            + " is not valid base64");
                }
                if (der.length == 0) {
                    throw new TlsMaterialException(name + ": the block \"BEGIN " + label + "\" of line " + beganAt + " is empty");
                }
                blocks.add(new Block(label, List.copyOf(headers), der));
                if (blocks.size() > MAX_BLOCKS) {
                    throw new TlsMaterialException(name + " holds more than " + MAX_BLOCKS + " PEM blocks");
                }
                label = null;
            } else if (line.contains(":")) {
                headers.add(line);
            } else {
                base64.append(line);
            }
        }
        if (label != null) {
            throw new TlsMaterialException(name + ": the block \"BEGIN " + label + "\" of line " + beganAt
                    + " has no END line (truncated file?)");
        }
        if (blocks.isEmpty()) {
            throw new TlsMaterialException(name + " holds no PEM block (\"-----BEGIN ...-----\"): not a PEM file");
        }
        return blocks;
    }

    /** {@code text} cut to 60 characters, with anything but printable ASCII as '?', for a message. */
    private static String printable(String text) {
        String cut = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
