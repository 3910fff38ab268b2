package dev.dicomgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of {@code strace -f -tt -yy -x -o FILE} read back: one {@link Call} per system call, its
 * {@code <unfinished ...>} and {@code <... resumed>} halves joined, in the order the calls started. A call tells what
 * it did to the file system in the gateway's terms — wrote a file, synced one, put one in place, created a directory —
 * with the paths strace printed for its descriptors ({@code -y}). Lines that are not system calls (signals, exits) are
 * skipped; a system-call line this class cannot read is an error, never skipped.
 */
public final class SyscallTrace {
    /** The system calls {@link Call} understands, as strace's -e trace= list ('?': absent on some architectures). */
    public static final String TRACED = "?open,openat,?creat,write,pwrite64,writev,sendto,sendmsg,sendfile,copy_file_range,"
            + "fsync,fdatasync,?rename,renameat,renameat2,?link,linkat,?mkdir,mkdirat,?unlink,unlinkat,?rmdir";

    private static final Pattern LINE = Pattern.compile("^(\\d+)\\s+(?:(\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?)\\s+)?(.*)$");
    private static final Pattern RESUMED = Pattern.compile("^<\\.\\.\\. ([a-z0-9_]+) resumed>(.*)$");
    private static final Pattern START = Pattern.compile("^([a-z0-9_]+)\\((.*)$");
    private static final String UNFINISHED = " <unfinished ...>";

    private final List<Call> calls;

    private SyscallTrace(List<Call> calls) {
        this.calls = List.copyOf(calls);
    }

    public static SyscallTrace read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.ISO_8859_1)); // strace escapes every non-ASCII byte
    }

    public static SyscallTrace parse(List<String> lines) {
        Map<Integer, Call> calls = new LinkedHashMap<>(); // by line number of the start, so in start order
        Map<Integer, Integer> unfinished = new HashMap<>(); // thread -> line of its unfinished call
        Map<Integer, String> unfinishedText = new HashMap<>();
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1);
            Matcher matcher = LINE.matcher(line);
            if (line.isBlank()) {
                continue;
            }
            if (!matcher.matches()) {
                throw new IllegalArgumentException("strace line " + number + " has no thread id (run strace with -f): " + line);
            }
            int thread = Integer.parseInt(matcher.group(1));
            String time = matcher.group(2) == null ? "" : matcher.group(2);
            String text = matcher.group(3);
            if (text.startsWith("---") || text.startsWith("+++")) {
                continue; // a signal, or the thread's exit
            }
            Matcher resumed = RESUMED.matcher(text);
            if (resumed.matches()) {
                Integer start = unfinished.remove(thread);
                if (start == null) {
                    throw new IllegalArgumentException("strace line " + number + " resumes a call thread " + thread
                            + " never started: " + line);
                }
                String joined = unfinishedText.remove(thread) + resumed.group(2);
                if (joined.endsWith(UNFINISHED)) { // unfinished again (rare): wait for the next half
                    unfinished.put(thread, start);
                    unfinishedText.put(thread, joined.substring(0, joined.length() - UNFINISHED.length()));
                    continue;
                }
                Call first = calls.get(start);
                calls.put(start, complete(start, thread, first.time(), joined, line));
                continue;
            }
            if (text.endsWith(UNFINISHED)) {
                String head = text.substring(0, text.length() - UNFINISHED.length());
                Matcher call = START.matcher(head);
                if (!call.matches()) {
                    throw new IllegalArgumentException("strace line " + number + " is not a system call: " + line);
                }
                unfinished.put(thread, number);
                unfinishedText.put(thread, head);
                calls.put(number, new Call(number, thread, time, call.group(1), List.of(), "?"));
                continue;
            }
            calls.put(number, complete(number, thread, time, text, line));
        }
        return new SyscallTrace(new ArrayList<>(calls.values())); // calls left unfinished keep result "?"
    }

    private static Call complete(int number, int thread, String time, String text, String line) {
        Matcher call = START.matcher(text);
        if (!call.matches()) {
            throw new IllegalArgumentException("strace line " + number + " is not a system call: " + line);
        }
        String rest = call.group(2);
        int close = closingParenthesis(rest);
        if (close < 0) {
            throw new IllegalArgumentException("strace line " + number + " has no end of its arguments: " + line);
        }
        String result = rest.substring(close + 1).trim();
        if (!result.startsWith("=")) {
            throw new IllegalArgumentException("strace line " + number + " has no result: " + line);
        }
        return new Call(number, thread, time, call.group(1), split(rest.substring(0, close)), result.substring(1).trim());
    }

    public List<Call> calls() {
        return calls;
    }

    /**
     * One system call: where it starts in the trace ({@code line}), the thread, the time strace printed, its name,
     * its arguments as strace printed them and its result ("0", "5</path>", "-1 ENOENT (...)", "?" if never finished).
     */
    public record Call(int line, int thread, String time, String name, List<String> arguments, String result) {
        public boolean succeeded() {
            return !result.equals("?") && !result.startsWith("-") && !result.startsWith("?");
        }

        /** The file (or socket description) data went to: write, pwrite64, writev, sendto, sendmsg, sendfile, copy_file_range. */
        public Optional<String> written() {
            return switch (name) {
                case "write", "pwrite64", "writev", "sendto", "sendmsg", "sendfile" -> Optional.ofNullable(descriptor(0));
                case "copy_file_range" -> Optional.ofNullable(descriptor(2));
                default -> Optional.empty();
            };
        }

        /** The bytes written, for write, pwrite64, sendto and writev (all its buffers); empty when strace cut them short. */
        public Optional<byte[]> data() {
            return switch (name) {
                case "write", "pwrite64", "sendto" -> quoted(arguments.get(1));
                case "writev" -> buffers(arguments.get(1));
                default -> Optional.empty();
            };
        }

        /** The file fsync or fdatasync flushed. */
        public Optional<String> synced() {
            return name.equals("fsync") || name.equals("fdatasync") ? Optional.ofNullable(descriptor(0)) : Optional.empty();
        }

        /** What rename(at)(2) or link(at) put in place: source and target. */
        public Optional<Placement> placement() {
            return switch (name) {
                case "rename", "link" -> Optional.of(new Placement(name, path(-1, 0), path(-1, 1)));
                case "renameat", "renameat2", "linkat" -> Optional.of(new Placement(name, path(0, 1), path(2, 3)));
                default -> Optional.empty();
            };
        }

        /** The directory mkdir(at) created (or tried to). */
        public Optional<String> directoryMade() {
            return switch (name) {
                case "mkdir" -> Optional.of(path(-1, 0));
                case "mkdirat" -> Optional.of(path(0, 1));
                default -> Optional.empty();
            };
        }

        /** The file an open with O_CREAT (or creat) opened, perhaps creating it. */
        public Optional<String> fileOpenedToCreate() {
            return switch (name) {
                case "creat" -> Optional.of(path(-1, 0));
                case "open" -> arguments.get(1).contains("O_CREAT") ? Optional.of(path(-1, 0)) : Optional.empty();
                case "openat" -> arguments.get(2).contains("O_CREAT") ? Optional.of(path(0, 1)) : Optional.empty();
                default -> Optional.empty();
            };
        }

        /** The path unlink(at) or rmdir removed (or tried to). */
        public Optional<String> removed() {
            return switch (name) {
                case "unlink", "rmdir" -> Optional.of(path(-1, 0));
                case "unlinkat" -> Optional.of(path(0, 1));
                default -> Optional.empty();
            };
        }

        /** "line 12, thread 345, 12:55:57.419" — where a reader finds this call in the trace. */
        public String where() {
            return "line " + line + ", thread " + thread + (time.isEmpty() ? "" : ", " + time);
        }

        /** The path strace printed for the descriptor argument {@code index} ({@code -y}), "(deleted)" dropped. */
        private String descriptor(int index) {
            String argument = arguments.get(index);
            int open = argument.indexOf('<');
            if (open < 0 || !argument.endsWith(">")) {
                return null;
            }
            String path = unescape(argument.substring(open + 1, argument.length() - 1));
            return path.endsWith(" (deleted)") ? path.substring(0, path.length() - " (deleted)".length()) : path;
        }

        /** The path argument {@code index}, resolved against the directory descriptor {@code directoryIndex} (-1: cwd). */
        private String path(int directoryIndex, int index) {
            String path = quoted(arguments.get(index)).map(b -> new String(b, StandardCharsets.UTF_8))
                    .orElseThrow(() -> new IllegalArgumentException("line " + line + ": path argument cut short or missing: "
                            + arguments.get(index)));
            if (path.startsWith("/") || directoryIndex < 0) {
                return path; // relative paths of rename/link/mkdir: the gateway uses absolute ones; left as they are
            }
            String directory = descriptor(directoryIndex);
            if (directory == null) {
                throw new IllegalArgumentException("line " + line + ": no path for directory descriptor "
                        + arguments.get(directoryIndex) + " (run strace with -y)");
            }
            return Path.of(directory).resolve(path).toString();
        }
    }

    /** A rename or link: {@code source} now (also) reachable as {@code target}. */
    public record Placement(String how, String source, String target) {
    }

    /** The bytes of a strace string argument ("..." with \\xNN, \\n, \\NNN escapes); empty if strace cut it short ("..."...). */
    static Optional<byte[]> quoted(String argument) {
        if (!argument.startsWith("\"") || argument.endsWith("...") || !argument.endsWith("\"") || argument.length() < 2) {
            return Optional.empty();
        }
        return Optional.of(unescapeBytes(argument.substring(1, argument.length() - 1)));
    }

    private static final Pattern IOV_BASE = Pattern.compile("iov_base=(\"(?:[^\"\\\\]|\\\\.)*\"(?:\\.\\.\\.)?)");

    private static Optional<byte[]> buffers(String iovecs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Matcher matcher = IOV_BASE.matcher(iovecs);
        while (matcher.find()) {
            Optional<byte[]> buffer = quoted(matcher.group(1));
            if (buffer.isEmpty()) {
                return Optional.empty();
            }
            out.writeBytes(buffer.get());
        }
        return Optional.of(out.toByteArray());
    }

    private static String unescape(String text) {
        return new String(unescapeBytes(text), StandardCharsets.UTF_8);
    }

    private static byte[] unescapeBytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.write((byte) c); // strace prints printable ASCII as is (the file is read as ISO-8859-1)
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case 'v' -> out.write(0x0B);
                case 'f' -> out.write('\f');
                case 'x' -> {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> {
                    if (next >= '0' && next <= '7') {
                        int end = i;
                        while (end < text.length() && end < i + 3 && text.charAt(end) >= '0' && text.charAt(end) <= '7') {
                            end++;
                        }
                        out.write(Integer.parseInt(text.substring(i, end), 8));
                        i = end - 1;
                    } else {
                        out.write((byte) next); // \\ \" and the like
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** Index of the ')' closing the argument list {@code text} starts inside of, skipping strings and nested brackets. */
    private static int closingParenthesis(String text) {
        Deque<Character> open = new ArrayDeque<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                i = endOfString(text, i);
            } else if (c == '(' || c == '[' || c == '{' || c == '<') {
                open.push(c);
            } else if (c == '>' && !open.isEmpty() && open.peek() == '<') {
                open.pop(); // "->" inside a socket's [addresses] is not a closing bracket: the top there is '['
            } else if ((c == ')' || c == ']' || c == '}') && !open.isEmpty() && open.peek() != '<') {
                open.pop();
            } else if (c == ')' && open.isEmpty()) {
                return i;
            }
        }
        return -1;
    }

    /** The top-level, comma-separated arguments of {@code text}, trimmed. */
    private static List<String> split(String text) {
        List<String> arguments = new ArrayList<>();
        Deque<Character> open = new ArrayDeque<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                i = endOfString(text, i);
            } else if (c == '(' || c == '[' || c == '{' || c == '<') {
                open.push(c);
            } else if (c == '>' && !open.isEmpty() && open.peek() == '<') {
                open.pop();
            } else if ((c == ')' || c == ']' || c == '}') && !open.isEmpty() && open.peek() != '<') {
                open.pop();
            } else if (c == ',' && open.isEmpty()) {
                arguments.add(text.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (!text.isBlank()) {
            arguments.add(text.substring(start).trim());
        }
        return arguments;
    }

    private static int endOfString(String text, int quote) {
        for (int i = quote + 1; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                i++;
            } else if (text.charAt(i) == '"') {
                return i;
            }
        }
        return text.length();
    }
}
