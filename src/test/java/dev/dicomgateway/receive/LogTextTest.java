package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void printableAsciiIsKept() {
        assertEquals("CT01 PACS_MAIN-2.x", LogText.escape("CT01 PACS_MAIN-2.x"));
    }

    @Test
    void controlCharactersDelBackslashAndNonAsciiAreEscaped() {
        assertEquals("A\\x0AB\\x0DC\\x1BD\\x00E\\x7FF\\x5CG\\xE9H\\x09",
                LogText.escape("A\nB\rC\u001BD\u0000E\u007FF\\G\u00E9H\t"));
    }

    @Test
    void charactersAboveLatin1AreEscapedAsTheirUtf8Bytes() {
        assertEquals("\\xE2\\x82\\xAC\\xF0\\x9F\\x98\\x80", LogText.escape("\u20AC\uD83D\uDE00"));
    }

    @Test
    void nullIsADash() {
        assertEquals("-", LogText.escape(null));
    }
}
