package dev.dicomgateway.deliver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmark (bench/packaging-throughput, not a test): the study-archive delivery of one batch at each
 * destination.compressionLevel, the way the engine does it — the PACKAGED step (the archive's checksums, computed into
 * no file) and the OBJECT_STORED step (the archive generated again into a local destination, synced, checked) — timed
 * apart (and, in parentheses, the archive generated into no file: the store step without its file's write, sync and
 * check), median of ROUNDS runs per level, in MB/s of staged input (10^6 bytes). The page cache is warm (the files were
 * just written), as it is for a study sealed a moment ago. On a busy machine wall time says little: the packaging
 * step's CPU time is printed too, of the whole process (MD5 runs on a thread of its own) and of the calling thread.
 * Usage: PackagingThroughput STUDY_DIR WORK_DIR [ROUNDS] [LEVELS, e.g. 0,1,6]
 */
public final class PackagingThroughput {
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private PackagingThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path study = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int[] levels = args.length > 3 ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        List<StudyArchive.Member> members;
        try (Stream<Path> files = Files.list(study)) {
            members = files.filter(p -> p.toString().endsWith(".dcm")).sorted()
                    .map(p -> new StudyArchive.Member("1.2.3/" + p.getFileName(), p)).toList();
        }
        long input = 0;
        for (StudyArchive.Member member : members) {
            input += Files.size(member.file());
        }
        System.out.printf("%d instances, %.1f MB; %d rounds per level, medians (MB/s of staged input)%n",
                members.size(), input / 1e6, rounds);
        System.out.printf("%-5s %10s %12s %12s %12s %15s %18s %17s%n", "level", "archive MB", "package MB/s", "store MB/s",
                "(generate)", "both steps MB/s", "package MB/CPU-s", "(calling thread)");
        for (int level : levels) {
            StudyArchive.checksums(members, level); // warm-up: the JIT compiles the loop at this level
            long[] packaging = new long[rounds];
            long[] generating = new long[rounds];
            long[] packagingCpu = new long[rounds];
            long[] packagingThreadCpu = new long[rounds];
            long[] storing = new long[rounds];
            long archive = 0;
            for (int round = 0; round < rounds; round++) {
                Path bucket = work.resolve("bucket");
                deleteRecursively(bucket);
                long cpuStart = PROCESS.getProcessCpuTime();
                long threadStart = THREADS.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                Checksums checksums = StudyArchive.checksums(members, level);
                long packaged = System.nanoTime();
                packagingCpu[round] = PROCESS.getProcessCpuTime() - cpuStart;
                packagingThreadCpu[round] = THREADS.getCurrentThreadCpuTime() - threadStart;
                ObjectContent.ofArchive("bench", members, level, checksums).writeTo(java.io.OutputStream.nullOutputStream());
                long generated = System.nanoTime();
                generating[round] = generated - packaged;
                packaged = generated;
                new LocalDirectoryStore(bucket).put("study.tar.gz",
                        ObjectContent.ofArchive("bench", members, level, checksums), Map.of());
                long stored = System.nanoTime();
                packaging[round] = packaged - start;
                storing[round] = stored - packaged;
                archive = checksums.size();
            }
            long p = median(packaging);
            long s = median(storing);
            long g = median(generating);
            long cpu = median(packagingCpu);
            long threadCpu = median(packagingThreadCpu);
            System.out.printf("%-5d %10.1f %12.0f %12.0f %12.0f %15.0f %18.0f %17.0f%n", level, archive / 1e6, input * 1e3 / p,
                    input * 1e3 / s, input * 1e3 / g, input * 1e3 / (p + s), input * 1e3 / cpu, input * 1e3 / threadCpu);
        }
        deleteRecursively(work.resolve("bucket"));
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
