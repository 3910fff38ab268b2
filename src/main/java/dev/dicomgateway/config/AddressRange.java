package dev.dicomgateway.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One entry of dicom.allowedPeers: an IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}) or a
 * plain address (a /32 or /128). An IPv4-mapped IPv6 peer ({@code ::ffff:10.1.2.3}) is matched as the IPv4 address it
 * carries, so a dual-stack listener applies IPv4 ranges to IPv4 senders.
 */
public final class AddressRange {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final String text;
    private final byte[] network;
    private final int prefixLength;

    private AddressRange(String text, byte[] network, int prefixLength) {
        this.text = text;
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code text} without any name lookup; IllegalArgumentException says what is wrong with it. Host bits set
     * below the prefix ({@code 10.1.2.3/8}) are rejected: such an entry usually means a mistyped prefix.
     */
    public static AddressRange parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literal(address);
        int bits = bytes.length * 8;
        int prefix = slash < 0 ? bits : prefixLength(trimmed.substring(slash + 1), bits);
        for (int bit = prefix; bit < bits; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("an address whose bits after the /" + prefix
                        + " prefix are zero (the network address, e.g. 10.0.0.0/8)");
            }
        }
        return new AddressRange(trimmed, bytes, prefix);
    }

    /** True when {@code peer} lies in this range; IPv4-mapped IPv6 peers are compared as IPv4. */
    public boolean contains(InetAddress peer) {
        byte[] address = comparable(peer);
        if (address.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = (0xFF << (8 - remainingBits)) & 0xFF;
        return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    @Override
    public String toString() {
        return text;
    }

    private static byte[] comparable(InetAddress peer) {
        byte[] address = peer.getAddress();
        if (peer instanceof Inet6Address && isIpv4Mapped(address)) {
            return java.util.Arrays.copyOfRange(address, 12, 16);
        }
        return address;
    }

    private static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
    }

    /** The address bytes of an IP literal (4 or 16; an IPv4-mapped IPv6 literal gives 4); never a DNS lookup. */
    private static byte[] literal(String address) {
        boolean v4 = IPV4.matcher(address).matches();
        if (!v4 && !IPV6.matcher(address).matches()) {
            throw new IllegalArgumentException("an IPv4 or IPv6 address or CIDR network (e.g. 10.0.0.0/8, 192.168.1.20, fd00::/8)");
        }
        if (v4) {
            for (String octet : address.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new IllegalArgumentException("an IPv4 address with every part from 0 to 255");
                }
            }
        }
        try {
            InetAddress parsed = InetAddress.getByName(address); // a literal by the patterns above: no lookup happens
            return parsed instanceof Inet4Address || v4 ? parsed.getAddress() : comparable(parsed);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("a valid IP address (" + e.getMessage() + ")");
        }
    }

    private static int prefixLength(String text, int bits) {
        if (!text.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("a prefix length from 0 to " + bits + " after the '/'");
        }
        int prefix = Integer.parseInt(text);
        if (prefix > bits) {
            throw new IllegalArgumentException("a prefix length from 0 to " + bits + " after the '/'");
        }
        return prefix;
    }
}
