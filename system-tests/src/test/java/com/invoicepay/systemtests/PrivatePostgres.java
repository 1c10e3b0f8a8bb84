package com.invoicepay.systemtests;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PostgreSQL 15 server of the test's own (never the stack's, which others' tests use): its cluster in
 * {@code target/}, on its own port, run as the {@code postgres} user because Debian's initdb refuses root
 * (as deploy/local/infra's cluster). Stopped and started again by the PID in its postmaster.pid.
 */
final class PrivatePostgres {
    static final String BIN = "/usr/lib/postgresql/15/bin/";

    final int port;
    final Path dir;

    private PrivatePostgres(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** A fresh cluster (trust authentication on 127.0.0.1 only), started. */
    static PrivatePostgres create(int port) throws Exception {
        Path dir = Path.of("target", "private-postgres-" + port).toAbsolutePath();
        run(List.of("rm", "-rf", dir.toString()));
        Files.createDirectories(dir);
        run(List.of("chown", "postgres", dir.toString()));
        run(List.of("runuser", "-u", "postgres", "--", BIN + "initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres"));
        PrivatePostgres server = new PrivatePostgres(port, dir);
        server.start();
        return server;
    }

    void start() throws Exception {
        run(List.of("runuser", "-u", "postgres", "--", BIN + "pg_ctl", "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                "-l", dir.resolve("server.log").toString(), "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=300", "start"));
    }

    /** Fast shutdown by the postmaster's PID (SIGINT): connections are cut, as when a database server goes away. */
    void stop() throws Exception {
        Path pidFile = dir.resolve("data").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        run(List.of("kill", "-INT", Long.toString(pid)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "postmaster " + pid + " stopped");
    }

    /** A role and a database it owns, as deploy/local/infra makes them for a service. */
    void createDatabase(String name, String owner, String password) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
             var statement = db.createStatement()) {
            statement.execute("create role " + owner + " login password '" + password + "'");
            statement.execute("create database " + name + " owner " + owner);
        }
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        File log = File.createTempFile("private-postgres", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), String.join(" ", command) + " finished");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + Files.readString(log.toPath()));
        Files.delete(log.toPath());
    }
}
