package com.invoicepay.systemtests;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Kafka broker of the test's own (never the stack's, which others' tests use): the broker installation
 * deploy/local downloaded, the stack's server.properties with this broker's ports and a KRaft data
 * directory in {@code target/}. Stopped (SIGTERM) and started again by the PID of the process it started.
 */
final class PrivateKafka {
    static final Path LOCAL = Path.of("..", "deploy", "local").toAbsolutePath().normalize();
    static final Path LIBS = LOCAL.resolve(".run/downloads/kafka-4.1.2/libs");

    final int port;
    final Path dir;
    private Process broker;

    private PrivateKafka(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Formats a fresh KRaft storage for {@code port} (controller on {@code port + 1}) and starts the broker. */
    static PrivateKafka create(int port) throws Exception {
        assertTrue(Files.isDirectory(LIBS), "deploy/local/up has downloaded the Kafka broker to " + LIBS);
        Path dir = Path.of("target", "private-kafka-" + port).toAbsolutePath();
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        Files.createDirectories(dir);
        String properties = Files.readString(LOCAL.resolve("kafka/server.properties"))
                .replace("@DATA_DIR@/kafka", dir.resolve("data").toString())
                .replace("127.0.0.1:9093", "127.0.0.1:" + (port + 1))
                .replace("127.0.0.1:9092", "127.0.0.1:" + port);
        Files.writeString(dir.resolve("server.properties"), properties);
        java("kafka.tools.StorageTool", "format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", dir.resolve("server.properties").toString());
        PrivateKafka kafka = new PrivateKafka(port, dir);
        kafka.start();
        return kafka;
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    void start() throws Exception {
        broker = new ProcessBuilder("java", "-Xms128m", "-Xmx384m", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + LOCAL.resolve("kafka/log4j2.properties"), "-cp", LIBS + "/*", "kafka.Kafka",
                dir.resolve("server.properties").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(broker.isAlive(), "the private broker exited; see " + dir.resolve("broker.log"));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(300);
            }
        }
        throw new AssertionError("the private broker did not listen on " + port + " within 60 s; see " + dir.resolve("broker.log"));
    }

    /** SIGTERM to the broker's PID (a controlled shutdown); SIGKILL only if it has not ended in 30 s. */
    void stop() throws InterruptedException {
        ServiceInstance.stop(broker);
    }

    private static void java(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-Dlog4j2.level=WARN", "-cp", LIBS + "/*"));
        command.addAll(List.of(arguments));
        File log = File.createTempFile("private-kafka", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, process.exitValue(), Files.readString(log.toPath()));
        Files.delete(log.toPath());
    }
}
