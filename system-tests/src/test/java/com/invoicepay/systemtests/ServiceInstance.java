package com.invoicepay.systemtests;

import java.io.File;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service process a fault test starts itself (never the stack's), from the build deploy/local/up copied, in the
 * sandbox profile, on its own port: started until ready, stopped gracefully, or killed by its own PID.
 */
final class ServiceInstance {
    private ServiceInstance() {
    }

    /** Starts {@code java <options> -jar app} and waits until {@code /q/health/ready} answers 200 (90 s at most). */
    static Process start(String what, Path app, int port, List<String> options, File log) throws Exception {
        assertTrue(app.toFile().exists(), "deploy/local/up has built and copied " + what + " to " + app);
        // another process on the port (a bench instance, say) would answer the readiness checks below in its place
        try (java.net.Socket taken = new java.net.Socket()) {
            taken.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            throw new AssertionError("port " + port + " is already taken; " + what + " cannot start there");
        } catch (java.io.IOException free) {
            // nothing listens: the port is ours
        }
        List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-Dquarkus.http.port=" + port));
        command.addAll(options);
        command.addAll(List.of("-jar", app.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().put("QUARKUS_PROFILE", "sandbox");
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(what + " exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/q/health/ready").toURL().openConnection();
                if (c.getResponseCode() == 200) {
                    return process;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        process.destroyForcibly();
        throw new AssertionError(what + " not ready within 90 s; see " + log);
    }

    /** SIGTERM, the graceful way; SIGKILL only if it does not end within 30 s. */
    static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** SIGKILL to the PID of the process the test started: no shutdown hook, no graceful anything. */
    static void killMinus9(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, process.exitValue(), "killed by SIGKILL (128 + 9)");
    }
}
