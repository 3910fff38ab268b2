package dev.dicomgateway.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CIDR matcher behind dicom.allowedPeers: boundaries of every prefix kind, IPv4-mapped IPv6, and refused text. */
class AddressRangeTest {
    private static boolean contains(String range, String address) throws Exception {
        return AddressRange.parse(range).contains(InetAddress.getByName(address));
    }

    @Test
    void ipv4NetworkContainsExactlyItsAddresses() throws Exception {
        assertTrue(contains("10.0.0.0/8", "10.0.0.0"));
        assertTrue(contains("10.0.0.0/8", "10.255.255.255"));
        assertFalse(contains("10.0.0.0/8", "11.0.0.0"));
        assertFalse(contains("10.0.0.0/8", "9.255.255.255"));
        assertTrue(contains("192.168.4.0/22", "192.168.7.255"), "a prefix that ends inside a byte");
        assertFalse(contains("192.168.4.0/22", "192.168.8.0"));
        assertFalse(contains("192.168.4.0/22", "192.168.3.255"));
    }

    @Test
    void slash32AndAPlainAddressAreOneHost() throws Exception {
        assertTrue(contains("127.0.0.1/32", "127.0.0.1"));
        assertFalse(contains("127.0.0.1/32", "127.0.0.2"));
        assertTrue(contains("192.168.1.20", "192.168.1.20"));
        assertFalse(contains("192.168.1.20", "192.168.1.21"));
    }

    @Test
    void slash0ContainsEveryAddressOfItsFamilyOnly() throws Exception {
        assertTrue(contains("0.0.0.0/0", "1.2.3.4"));
        assertTrue(contains("0.0.0.0/0", "255.255.255.255"));
        assertFalse(contains("0.0.0.0/0", "2001:db8::1"), "an IPv4 range never matches a (non-mapped) IPv6 peer");
        assertTrue(contains("::/0", "2001:db8::1"));
        assertFalse(contains("::/0", "1.2.3.4"));
    }

    @Test
    void ipv6NetworksAndSlash128() throws Exception {
        assertTrue(contains("fd00:1234::/32", "fd00:1234:ffff::1"));
        assertFalse(contains("fd00:1234::/32", "fd00:1235::1"));
        assertTrue(contains("2001:db8::/33", "2001:db8:7fff::1"), "a prefix that ends inside a byte");
        assertFalse(contains("2001:db8::/33", "2001:db8:8000::1"));
        assertTrue(contains("::1/128", "::1"));
        assertFalse(contains("::1/128", "::2"));
        assertTrue(contains("2001:db8::5", "2001:db8:0:0:0:0:0:5"), "a plain IPv6 address in another spelling");
    }

    @Test
    void ipv4MappedIpv6PeersMatchIpv4Ranges() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 7;
        // Inet6Address.getByAddress keeps the mapped form (what a dual-stack socket reports); getByName would unmap it.
        InetAddress peer = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(peer instanceof java.net.Inet6Address);
        assertTrue(AddressRange.parse("10.0.0.0/8").contains(peer));
        assertTrue(AddressRange.parse("10.0.0.7/32").contains(peer));
        assertFalse(AddressRange.parse("11.0.0.0/8").contains(peer));
        assertTrue(AddressRange.parse("::ffff:10.0.0.0/8").contains(peer), "a mapped range is an IPv4 range");
        assertTrue(AddressRange.parse("::ffff:10.0.0.0/8").contains(InetAddress.getByName("10.9.9.9")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/x",
            "256.0.0.0/8", "10.0.0/8", "pacs.example.org", "localhost", "", "10.0.0.0 /8", "fe80::1%eth0",
            "2001:db8:::1", "10.1.2.3/8", "2001:db8::1/32"})
    void refusesWhatIsNotANetworkOrAddress(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));
        assertTrue(error.getMessage().length() > 10, error.getMessage());
    }

    @Test
    void prefixOutOfRangeSaysTheRangeOfItsFamily() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.0/33")).getMessage()
                .contains("from 0 to 32"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("fd00::/129")).getMessage()
                .contains("from 0 to 128"));
    }
}
