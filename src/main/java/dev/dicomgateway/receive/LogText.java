package dev.dicomgateway.receive;

import java.nio.charset.StandardCharsets;

/**
 * Text from the wire made safe for one log line: printable ASCII stays, everything else — control characters
 * (a newline would forge a log line, ESC would drive a terminal), DEL, backslash and non-ASCII — becomes {@code \xNN}
 * (the UTF-8 bytes of characters above U+00FF), so what a peer sent can still be read exactly.
 */
final class LogText {
    private LogText() {
    }

    static String escape(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(codePoint -> {
            if (codePoint >= 0x20 && codePoint < 0x7F && codePoint != '\\') {
                escaped.append((char) codePoint);
            } else if (codePoint <= 0xFF) {
                hex(escaped, codePoint);
            } else {
                for (byte b : Character.toString(codePoint).getBytes(StandardCharsets.UTF_8)) {
                    hex(escaped, b & 0xFF);
                }
            }
        });
        return escaped.toString();
    }

    private static void hex(StringBuilder out, int value) {
        out.append("\\x").append(Character.toUpperCase(Character.forDigit(value >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(value & 0xF, 16)));
    }
}
