package dev.dicomgateway.testing;

import dev.dicomgateway.testing.SyscallTrace.Call;
import dev.dicomgateway.testing.SyscallTrace.Placement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a {@link SyscallTrace} of the gateway for the order that makes a step survive a power cut, and lists every
 * place the order is broken, naming the path and the missing step:
 * <ul>
 * <li>a C-STORE-RSP Success comes after, on its association's thread: an fsync of the instance's temporary file
 *     (after its last write), its rename into a staging directory, an fsync of that directory;</li>
 * <li>a file the gateway wrote is fsynced after its last write before it is renamed or linked into place;</li>
 * <li>the directory of every rename or link target, every new directory's parent and the directory of every file
 *     created in place are fsynced after the change, before the thread's next rename, link or response.</li>
 * </ul>
 * Only paths under {@code roots} (the spool and the destinations) are judged; the JVM's own files are not.
 */
public final class DurabilityAudit {
    private final SyscallTrace trace;
    private final List<Path> roots;
    private final Map<Integer, List<Call>> byThread = new HashMap<>();
    private final Map<Call, Integer> positionInThread = new HashMap<>();

    public DurabilityAudit(SyscallTrace trace, List<Path> roots) {
        this.trace = trace;
        this.roots = roots.stream().map(r -> r.toAbsolutePath().normalize()).toList();
        for (Call call : trace.calls()) {
            List<Call> calls = byThread.computeIfAbsent(call.thread(), t -> new ArrayList<>());
            positionInThread.put(call, calls.size());
            calls.add(call);
        }
    }

    /** A C-STORE-RSP written to a TCP socket, and the last rename into a staging directory before it on its thread. */
    public record Acknowledgement(Call call, CStoreResponse response, Optional<Call> staging) {
    }

    /** A rename or link under the roots that succeeded. */
    public record Placed(Call call, Placement placement) {
    }

    /** Every C-STORE-RSP in the trace, each with the staging rename since its thread's previous response. */
    public List<Acknowledgement> acknowledgements(List<Path> stagingDirectories) {
        List<Acknowledgement> acknowledgements = new ArrayList<>();
        for (List<Call> calls : byThread.values()) {
            Call staged = null;
            for (Call call : calls) {
                Optional<CStoreResponse> response = response(call);
                if (response.isPresent()) {
                    acknowledgements.add(new Acknowledgement(call, response.get(), Optional.ofNullable(staged)));
                    staged = null;
                    continue;
                }
                Optional<Placement> placement = succeeded(call).flatMap(Call::placement);
                if (placement.isPresent() && placement.get().target().endsWith(".dcm")
                        && stagingDirectories.stream().anyMatch(d -> under(placement.get().target(), d))) {
                    staged = call;
                }
            }
        }
        acknowledgements.sort(java.util.Comparator.comparingInt(a -> a.call().line()));
        return acknowledgements;
    }

    /** Success responses not preceded by fsync(temporary file) → rename into a staging directory → fsync(directory). */
    public List<String> unprovenAcknowledgements(List<Path> stagingDirectories) {
        List<String> problems = new ArrayList<>();
        for (Acknowledgement ack : acknowledgements(stagingDirectories)) {
            if (!ack.response().success()) {
                continue;
            }
            String what = "C-STORE-RSP Success for SOP " + ack.response().sopInstanceUid() + " (" + ack.call().where() + ")";
            if (ack.staging().isEmpty()) {
                problems.add(what + " follows no rename of a .dcm into " + stagingDirectories
                        + " on its thread since the previous response");
                continue;
            }
            Call rename = ack.staging().get();
            Placement placement = rename.placement().orElseThrow();
            unsyncedSource(rename, placement).ifPresent(p -> problems.add(placement.target() + ": " + what + " but " + p));
            String directory = parent(placement.target());
            if (syncBetween(rename, ack.call(), directory).isEmpty()) {
                problems.add(placement.target() + ": " + what + " without an fsync of its directory " + directory
                        + " between its rename (" + rename.where() + ") and the response");
            }
        }
        return problems;
    }

    /** Every successful rename and link under the roots, in trace order. */
    public List<Placed> placements() {
        List<Placed> placed = new ArrayList<>();
        for (Call call : trace.calls()) {
            succeeded(call).flatMap(Call::placement).filter(p -> underRoots(p.target()))
                    .ifPresent(p -> placed.add(new Placed(call, p)));
        }
        return placed;
    }

    /** Renames and links whose written source was not fsynced first, or whose target directory was not fsynced after. */
    public List<String> unsyncedPlacements() {
        List<String> problems = new ArrayList<>();
        for (Placed placed : placements()) {
            Placement p = placed.placement();
            unsyncedSource(placed.call(), p).ifPresent(problem -> problems.add(p.target() + ": " + problem));
            String directory = parent(p.target());
            directorySyncedBeforeNextStep(placed.call(), directory).ifPresent(missing -> problems.add(p.target() + ": "
                    + p.how() + " into place (" + placed.call().where() + ") but its directory " + directory
                    + " was not fsynced " + missing));
        }
        return problems;
    }

    /** New directories and files created in place (kept, not renamed or removed later) whose parent was not fsynced after. */
    public List<String> unsyncedNewEntries() {
        List<String> problems = new ArrayList<>();
        List<Call> calls = trace.calls();
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            if (!call.succeeded()) {
                continue;
            }
            Optional<String> directory = call.directoryMade().filter(this::underRoots);
            if (directory.isPresent()) {
                String parent = parent(directory.get());
                directorySyncedBeforeNextStep(call, parent).ifPresent(missing -> problems.add(directory.get()
                        + ": new directory (" + call.name() + ", " + call.where() + ") but its parent " + parent
                        + " was not fsynced " + missing));
            }
            // a staged instance's .summary is a cache by design (InstanceSummary): lost in a crash, its .dcm is parsed
            Optional<String> file = call.fileOpenedToCreate().filter(this::underRoots).filter(f -> !f.endsWith(".summary"));
            if (file.isPresent() && createdToStay(calls, i, file.get())) {
                String parent = parent(file.get());
                directorySyncedBeforeNextStep(call, parent).ifPresent(missing -> problems.add(file.get()
                        + ": file created in place (" + call.name() + ", " + call.where() + ") but its directory " + parent
                        + " was not fsynced " + missing));
            }
        }
        return problems;
    }

    /**
     * Whether the O_CREAT open {@code calls[index]} of {@code file} is the one that gave the file the entry it keeps: no
     * open, rename or link made it before (since it was last removed or renamed away), and none removes or renames it
     * away later.
     */
    private static boolean createdToStay(List<Call> calls, int index, String file) {
        for (int j = index - 1; j >= 0; j--) {
            Call before = calls.get(j);
            if (!before.succeeded()) {
                continue;
            }
            if (before.removed().filter(file::equals).isPresent()
                    || before.placement().filter(p -> p.source().equals(file) && p.how().startsWith("rename")).isPresent()) {
                break; // it was gone again: this open created it anew
            }
            if (before.fileOpenedToCreate().filter(file::equals).isPresent()
                    || before.placement().filter(p -> p.target().equals(file)).isPresent()) {
                return false; // it existed already; the open that made it is judged instead
            }
        }
        for (int j = index + 1; j < calls.size(); j++) {
            Call after = calls.get(j);
            if (after.succeeded() && (after.removed().filter(file::equals).isPresent()
                    || after.placement().filter(p -> p.source().equals(file)).isPresent())) {
                return false; // a temporary file: renamed, linked or deleted later
            }
        }
        return true;
    }

    /**
     * Why {@code placement}'s source does not count as synced: written (by any thread) after its last fsync, or never
     * fsynced. Empty when it was synced after its last write, or was never written (a directory, a file of another
     * process).
     */
    private Optional<String> unsyncedSource(Call placing, Placement placement) {
        List<Call> calls = trace.calls();
        for (int j = calls.indexOf(placing) - 1; j >= 0; j--) {
            Call before = calls.get(j);
            if (!before.succeeded()) {
                continue;
            }
            if (before.synced().filter(placement.source()::equals).isPresent()) {
                return Optional.empty();
            }
            if (before.written().filter(placement.source()::equals).isPresent()) {
                String done = placement.how().startsWith("link") ? "linked" : "renamed";
                return Optional.of(placement.source() + " was " + done + " into place (" + placing.where()
                        + ") without an fsync after its last write (" + before.where() + ")");
            }
            if (before.placement().filter(p -> p.source().equals(placement.source())).isPresent()) {
                return Optional.empty(); // the name was used before and is empty since: nothing written to sync
            }
        }
        return Optional.empty();
    }

    /** Empty if {@code directory} is fsynced on the thread of {@code after} before its next step; otherwise when not. */
    private Optional<String> directorySyncedBeforeNextStep(Call after, String directory) {
        List<Call> calls = byThread.get(after.thread());
        for (int j = positionInThread.get(after) + 1; j < calls.size(); j++) {
            Call next = calls.get(j);
            if (succeeded(next).flatMap(Call::synced).filter(directory::equals).isPresent()) {
                return Optional.empty();
            }
            if (succeeded(next).flatMap(Call::placement).isPresent() || response(next).isPresent()) {
                return Optional.of("before the thread's next step (" + next.name() + ", " + next.where() + ")");
            }
        }
        return Optional.of("afterwards on that thread at all");
    }

    /** The fsync of {@code path} on the thread of {@code from} after {@code from} and before {@code to}, if any. */
    private Optional<Call> syncBetween(Call from, Call to, String path) {
        List<Call> calls = byThread.get(from.thread());
        for (int j = positionInThread.get(from) + 1; j < positionInThread.get(to); j++) {
            if (succeeded(calls.get(j)).flatMap(Call::synced).filter(path::equals).isPresent()) {
                return Optional.of(calls.get(j));
            }
        }
        return Optional.empty();
    }

    /** The C-STORE-RSP a call wrote to a TCP socket, if it wrote one. */
    private static Optional<CStoreResponse> response(Call call) {
        if (!call.succeeded() || call.written().filter(w -> w.startsWith("TCP") || w.startsWith("socket:")).isEmpty()) {
            return Optional.empty();
        }
        if (call.data().isEmpty() && call.arguments().size() > 1 && call.arguments().get(1).startsWith("\"\\x04")) {
            throw new IllegalStateException("strace cut short the P-DATA-TF PDU " + call.where() + " wrote: raise its -s");
        }
        return call.data().flatMap(CStoreResponse::decode);
    }

    private static Optional<Call> succeeded(Call call) {
        return call.succeeded() ? Optional.of(call) : Optional.empty();
    }

    private boolean underRoots(String path) {
        return roots.stream().anyMatch(root -> under(path, root));
    }

    private static boolean under(String path, Path directory) {
        return Path.of(path).toAbsolutePath().normalize().startsWith(directory.toAbsolutePath().normalize());
    }

    private static String parent(String path) {
        Path parent = Path.of(path).getParent();
        return parent == null ? "/" : parent.toString();
    }
}
