package com.invoicepay.systemtests;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A merchant's callback endpoint as a real HTTP server on 127.0.0.1: one path per merchant, every
 * request recorded with the answer it got. A path can be told to hold its requests (no answer until
 * released: an in-flight delivery) or to answer a status.
 */
final class CallbackReceiver implements AutoCloseable {
    /** {@code answered}: the status sent at once, or {@link #HELD} for a request held on arrival. */
    record Request(String path, String authorization, String webhookId, String body, int answered, String webhookTimestamp,
                   String webhookSignature) {
    }

    static final int HELD = -1;

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> statusByPath = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

    CallbackReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "callback-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        CountDownLatch hold = holds.get(path);
        int status = hold != null ? HELD : statusByPath.getOrDefault(path, 200);
        requests.add(new Request(path, exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("webhook-id"), body, status,
                exchange.getRequestHeaders().getFirst("webhook-timestamp"), exchange.getRequestHeaders().getFirst("webhook-signature")));
        if (hold != null) {
            try {
                hold.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            status = statusByPath.getOrDefault(path, 200);
        }
        try {
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException callerGone) {
            // a held request whose caller was killed: nobody reads the answer
        }
        exchange.close();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests to {@code path} get no answer until {@link #answer} is called for it. */
    void hold(String path) {
        holds.put(path, new CountDownLatch(1));
    }

    /** From now on {@code path} answers {@code status} at once; held requests are let go. */
    void answer(String path, int status) {
        statusByPath.put(path, status);
        CountDownLatch hold = holds.remove(path);
        if (hold != null) {
            hold.countDown();
        }
    }

    List<Request> to(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        holds.values().forEach(CountDownLatch::countDown);
        server.stop(0);
    }
}
