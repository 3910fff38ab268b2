package dev.dicomgateway.deliver;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark (bench/packaging-cost, not a test): the CPU time and spool space of packaging and storing one large study
 * in the local destination, the way it was (archive written to the spool, synced, then copied to the destination)
 * against streaming (checksums computed into no file, the archive generated again into the destination). Runs
 * alternate, in one JVM, so the machine's load weighs on both alike; medians are compared.
 * Usage: PackagingCost WORK_DIR MIB [ROUNDS]
 */
public final class PackagingCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PackagingCost() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int mebibytes = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        for (String kind : List.of("ct-like", "random")) {
            List<StudyArchive.Member> study = makeStudy(work.resolve(kind), mebibytes, kind.equals("random"));
            long[][] cpu = new long[2][rounds];
            long[][] wall = new long[2][rounds];
            long archive = 0;
            for (int round = 0; round < rounds; round++) {
                for (int variant = 0; variant < 2; variant++) {
                    Path bucket = work.resolve("bucket-" + kind);
                    deleteRecursively(bucket);
                    Files.deleteIfExists(work.resolve("package.tar.gz"));
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    long wallStart = System.nanoTime();
                    archive = variant == 0 ? packagedOnTheSpool(study, work, bucket) : streamed(study, bucket);
                    cpu[variant][round] = THREADS.getCurrentThreadCpuTime() - cpuStart;
                    wall[variant][round] = System.nanoTime() - wallStart;
                }
            }
            long cpuBefore = median(cpu[0]);
            long cpuAfter = median(cpu[1]);
            System.out.printf("%s study of %d MiB (archive %d MiB), %d rounds, medians:%n", kind, mebibytes, archive >> 20, rounds);
            System.out.printf("  packaged on the spool: CPU %.2f s, wall %.2f s, spool space for the archive %d MiB%n",
                    cpuBefore / 1e9, median(wall[0]) / 1e9, archive >> 20);
            System.out.printf("  streamed:              CPU %.2f s, wall %.2f s, spool space for the archive 0 MiB%n",
                    cpuAfter / 1e9, median(wall[1]) / 1e9);
            System.out.printf("  CPU ratio streamed/packaged: %.2f%n", (double) cpuAfter / cpuBefore);
            deleteRecursively(work.resolve(kind));
        }
        deleteRecursively(work);
    }

    /** How delivery worked before: package.tar.gz on the spool, synced and renamed, then copied to the destination. */
    private static long packagedOnTheSpool(List<StudyArchive.Member> study, Path spool, Path bucket) throws Exception {
        Path part = spool.resolve("package.tar.gz.part");
        Checksums checksums = StudyArchive.write(study, part, 1);
        dev.dicomgateway.spool.DurableFiles.syncFile(part);
        dev.dicomgateway.spool.DurableFiles.moveDurably(part, spool.resolve("package.tar.gz"));
        new LocalDirectoryStore(bucket).put("study.tar.gz", ObjectContent.ofFile(spool.resolve("package.tar.gz"), checksums), Map.of());
        return checksums.size();
    }

    /** How it works now: the checksums first, then the same archive generated straight into the destination. */
    private static long streamed(List<StudyArchive.Member> study, Path bucket) throws Exception {
        Checksums checksums = StudyArchive.checksums(study, 1);
        new LocalDirectoryStore(bucket).put("study.tar.gz", ObjectContent.ofArchive("bench", study, 1, checksums), Map.of());
        return checksums.size();
    }

    /**
     * Instances of 512 KiB: a 512x512 16-bit image each, either a smooth phantom with noise (compresses about as CT
     * does) or random bytes (already-compressed pixel data), behind a small header.
     */
    private static List<StudyArchive.Member> makeStudy(Path directory, int mebibytes, boolean random) throws IOException {
        Files.createDirectories(directory);
        Random noise = new Random(42);
        List<StudyArchive.Member> members = new ArrayList<>();
        byte[] header = new byte[1024];
        Arrays.fill(header, (byte) 'H');
        for (int i = 0; i < mebibytes * 2; i++) {
            ByteBuffer pixels = ByteBuffer.allocate(512 * 512 * 2).order(ByteOrder.LITTLE_ENDIAN);
            if (random) {
                noise.nextBytes(pixels.array());
            } else {
                for (int y = 0; y < 512; y++) {
                    for (int x = 0; x < 512; x++) {
                        double r = Math.hypot(x - 256, y - 256);
                        int value = r > 230 ? 0 : 1000 + (int) (40 * Math.sin((x + i) / 17.0) + 30 * Math.cos(y / 23.0));
                        pixels.putShort((short) (r > 230 ? value : value + (int) (noise.nextGaussian() * 10)));
                    }
                }
            }
            Path file = directory.resolve(String.format("%05d.dcm", i));
            Files.write(file, header);
            Files.write(file, pixels.array(), java.nio.file.StandardOpenOption.APPEND);
            members.add(new StudyArchive.Member("1.2.3/" + file.getFileName(), file));
        }
        return members;
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
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
