package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * Every instance the spool has sealed into a batch, by collection and (de-identified) SOP Instance UID: the digest of
 * its data set, its version, the batch that holds it and whether that batch was delivered — so an instance sent again
 * with the same content is acknowledged and not delivered twice, and a changed one is delivered as the next version.
 * An embedded SQLite database ({@code state/instances.sqlite}, WAL, synchronous FULL: a commit is on disk when it
 * returns); lookups are one primary-key probe, start-up reads nothing from it. Two connections: the stager's lookups
 * read on their own (WAL lets them read while a write waits for another process's lock), seals and deliveries write
 * on the other, each under its own monitor.
 */
public final class DeliveredInstanceIndex implements AutoCloseable {
    /** Where a known instance is: sealed into a batch not yet delivered, or delivered. */
    public enum Stage {
        SEALED, DELIVERED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the index knows of one instance: its latest content and version, and where that version is. */
    public record Entry(String digest, int version, String batch, Stage stage) {
    }

    /** One instance of a batch being sealed: its SOP Instance UID and the digest of its data set. */
    public record Sealing(String sop, String digest) {
    }

    /** Delivered and sealed-not-delivered instance counts, and how many of them are a second or later version. */
    public record Totals(long delivered, long sealed, long laterVersions) {
    }

    /**
     * The index cannot be read or written now (locked by another process beyond the busy timeout, a full disk, an I/O
     * error, a damaged file): nothing was recorded, and the same step may be tried again later.
     */
    public static final class UnavailableException extends IOException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One unit of work inside a transaction. */
    private interface Work {
        void run() throws SQLException;
    }

    private static final String FIND = "SELECT digest, version, batch, stage FROM instances WHERE collection = ? AND sop = ?";

    private final Path file;
    /** Writes (seals, deliveries), under this object's monitor. */
    private final Connection connection;
    /** The stager's lookups, under {@link #reading}: never behind a write waiting for another process. */
    private final Connection reader;
    private final Object reading = new Object();
    private final PreparedStatement find;
    private final PreparedStatement findForWrite;
    private final PreparedStatement upsert;
    private final PreparedStatement markDelivered;

    private DeliveredInstanceIndex(Path file, Connection connection, Connection reader) throws SQLException {
        this.file = file;
        this.connection = connection;
        this.reader = reader;
        this.find = reader.prepareStatement(FIND);
        this.findForWrite = connection.prepareStatement(FIND);
        this.upsert = connection.prepareStatement("INSERT INTO instances (collection, sop, digest, version, batch, stage, "
                + "updated) VALUES (?, ?, ?, ?, ?, 'sealed', ?) ON CONFLICT (collection, sop) DO UPDATE SET "
                + "digest = excluded.digest, version = excluded.version, batch = excluded.batch, stage = 'sealed', "
                + "updated = excluded.updated");
        this.markDelivered = connection.prepareStatement("UPDATE instances SET stage = 'delivered', object = ?, updated = ? "
                + "WHERE collection = ? AND sop = ? AND batch = ?");
    }

    /** Opens (creating when missing) the index at {@code file}. */
    public static DeliveredInstanceIndex open(Path file) throws IOException {
        try {
            DurableFiles.createDirectories(file.getParent());
            if (!java.nio.file.Files.exists(file)) { // 0600 before SQLite opens it: its -wal and -shm files copy the mode
                OwnerOnly.openForWriting(file).close();
                DurableFiles.syncDirectory(file.getParent());
            }
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            Connection reader = null;
            try {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PRAGMA journal_mode = WAL");
                    statement.execute("PRAGMA synchronous = FULL");
                    statement.execute("PRAGMA busy_timeout = 10000");
                    statement.execute("CREATE TABLE IF NOT EXISTS instances (collection TEXT NOT NULL, sop TEXT NOT NULL, "
                            + "digest TEXT NOT NULL, version INTEGER NOT NULL, batch TEXT NOT NULL, stage TEXT NOT NULL, "
                            + "object TEXT, updated TEXT NOT NULL, PRIMARY KEY (collection, sop)) WITHOUT ROWID");
                }
                reader = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                try (Statement statement = reader.createStatement()) {
                    statement.execute("PRAGMA busy_timeout = 10000");
                    statement.execute("PRAGMA query_only = 1");
                }
                return new DeliveredInstanceIndex(file, connection, reader);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                if (reader != null) {
                    reader.close();
                }
                throw e;
            }
        } catch (SQLException e) { // several lines: standard error cuts each at 200 characters
            throw new IOException("cannot open the delivered-instance index " + file + ":\n  " + e.getMessage()
                    + "\n  it holds what was sealed and delivered, so that an instance sent again is not delivered twice"
                    + "\n  if the file is damaged: move it aside (a new one is created; instances sent again are then "
                    + "delivered again)", e);
        }
    }

    /** What is known of {@code sop} in {@code collection}, if it was ever sealed. */
    public Optional<Entry> find(String collection, String sop) throws IOException {
        synchronized (reading) {
            try {
                return find(find, collection, sop);
            } catch (SQLException | IllegalArgumentException e) { // a stage that is neither: a planted or damaged row
                throw failure("read", file, e);
            }
        }
    }

    /**
     * Records the instances of batch {@code batch} as sealed, in one transaction, and returns for each its version
     * (in order), or 0 for an instance that another batch already holds with the same digest (a duplicate the caller
     * drops). Repeating it for the same batch (a seal completed after a stop) returns the same answer.
     */
    public synchronized int[] seal(String collection, String batch, java.util.List<Sealing> instances, Instant now)
            throws IOException {
        int[] versions = new int[instances.size()];
        try {
            inTransaction(() -> {
                for (int i = 0; i < instances.size(); i++) {
                    Sealing instance = instances.get(i);
                    Optional<Entry> known = findInTransaction(collection, instance.sop());
                    if (known.isPresent() && known.get().batch().equals(batch)) {
                        versions[i] = known.get().version();
                    } else if (known.isPresent() && known.get().digest().equals(instance.digest())) {
                        versions[i] = 0;
                    } else {
                        versions[i] = known.map(entry -> entry.version() + 1).orElse(1);
                        upsert.setString(1, collection);
                        upsert.setString(2, instance.sop());
                        upsert.setString(3, instance.digest());
                        upsert.setInt(4, versions[i]);
                        upsert.setString(5, batch);
                        upsert.setString(6, now.toString());
                        upsert.executeUpdate();
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("record a seal in", file, e);
        }
        return versions;
    }

    /**
     * Runs {@code work} in one transaction that takes the write lock first (BEGIN IMMEDIATE), so another writer makes
     * it wait up to the busy timeout instead of failing at once, as a read that is upgraded to a write does. On
     * failure it rolls back; the failure thrown is the first one (SQLite rolls back by itself after a full disk or an
     * I/O error, and the rollback's own complaint must not hide why).
     */
    private void inTransaction(Work work) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
        }
        try {
            work.run();
            try (Statement statement = connection.createStatement()) {
                statement.execute("COMMIT");
            }
        } catch (SQLException | RuntimeException e) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ROLLBACK");
            } catch (SQLException alreadyRolledBack) {
                e.addSuppressed(alreadyRolledBack);
            }
            throw e;
        }
    }

    private Optional<Entry> findInTransaction(String collection, String sop) throws SQLException {
        return find(findForWrite, collection, sop);
    }

    private static Optional<Entry> find(PreparedStatement find, String collection, String sop) throws SQLException {
        find.setString(1, collection);
        find.setString(2, sop);
        try (ResultSet row = find.executeQuery()) {
            return row.next() ? Optional.of(new Entry(row.getString(1), row.getInt(2), row.getString(3),
                    Stage.valueOf(row.getString(4).toUpperCase(java.util.Locale.ROOT)))) : Optional.empty();
        }
    }

    /** One delivered instance: its SOP Instance UID and the object (URI) holding it. */
    public record Delivery(String sop, String object) {
    }

    /**
     * Marks the instances of {@code batch} delivered, in one transaction; an instance a later batch has meanwhile
     * replaced with a newer version keeps that version's entry.
     */
    public synchronized void delivered(String collection, String batch, Collection<Delivery> instances, Instant now)
            throws IOException {
        try {
            inTransaction(() -> {
                for (Delivery instance : instances) {
                    markDelivered.setString(1, instance.object());
                    markDelivered.setString(2, now.toString());
                    markDelivered.setString(3, collection);
                    markDelivered.setString(4, instance.sop());
                    markDelivered.setString(5, batch);
                    markDelivered.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw failure("record a delivery in", file, e);
        }
    }

    /**
     * Counts for `status`, read-only beside a running gateway (a scan of the index: for the command line, never for
     * the C-STORE path); zeros when nothing was ever sealed.
     */
    public static Totals totals(Path file) throws IOException {
        if (!java.nio.file.Files.exists(file)) {
            return new Totals(0, 0, 0);
        }
        org.sqlite.SQLiteConfig readOnly = new org.sqlite.SQLiteConfig();
        readOnly.setReadOnly(true);
        readOnly.setBusyTimeout(10000);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(),
                readOnly.toProperties())) {
            return totals(connection);
        } catch (SQLException e) {
            throw failure("count", file, e);
        }
    }

    /**
     * Writes a consistent copy of the index at {@code file} to {@code target} (which must not exist) with VACUUM INTO,
     * read-only beside a running gateway: the copy holds every transaction committed when it began. It is made
     * 0600; the caller's directory (0700) keeps it private in between.
     */
    static void snapshot(Path file, Path target) throws IOException {
        org.sqlite.SQLiteConfig readOnly = new org.sqlite.SQLiteConfig();
        readOnly.setReadOnly(true);
        readOnly.setBusyTimeout(10000);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(),
                readOnly.toProperties());
             PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toAbsolutePath().toString());
            vacuum.execute();
        } catch (SQLException e) {
            throw failure("copy", file, e);
        }
        java.nio.file.Files.setPosixFilePermissions(target, OwnerOnly.FILE_MODE);
    }

    private static Totals totals(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COALESCE(SUM(stage = 'delivered'), 0), "
                     + "COALESCE(SUM(stage = 'sealed'), 0), COALESCE(SUM(version > 1), 0) FROM instances")) {
            row.next();
            return new Totals(row.getLong(1), row.getLong(2), row.getLong(3));
        }
    }

    private static UnavailableException failure(String doing, Path file, Exception e) {
        return new UnavailableException("cannot " + doing + " the delivered-instance index " + file + ": "
                + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        synchronized (reading) {
            for (Connection open : new Connection[] {reader, connection}) {
                try {
                    open.close();
                } catch (SQLException e) {
                    // closing at shutdown: every commit is already on disk
                }
            }
        }
    }
}
