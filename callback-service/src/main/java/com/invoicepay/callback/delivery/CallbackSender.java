package com.invoicepay.callback.delivery;

import com.invoicepay.callback.config.CallbackConfig;
import com.invoicepay.callback.security.CallbackUrls;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One POST of a callback body, to the address the SSRF guard checked (the host name still names the
 * server for TLS and the Host header), bounded by {@code callback.delivery-timeout} from the first
 * byte sent to the last byte of the response.
 */
@ApplicationScoped
public class CallbackSender {
    /** What came back: a status and body, or an error (timeout, connection refused, TLS). */
    public record Result(Integer statusCode, String body, String error, long millis) {
        public boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    private final HttpClient client;
    private final long timeoutMs;

    public CallbackSender(Vertx vertx, CallbackConfig config) {
        this.timeoutMs = config.deliveryTimeout().toMillis();
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))
                .setVerifyHost(true)
                .setForceSni(true)
                .setKeepAlive(true)
                .setMaxPoolSize(config.deliveryConcurrency())
                .setMaxRedirects(0)
                .setTryUseCompression(false);
        // sandbox only (SandboxOnlySettings): a local receiver's self-signed certificate instead of the JVM's authorities
        config.trustCertificates().ifPresent(paths -> {
            PemTrustOptions trust = new PemTrustOptions();
            paths.forEach(trust::addCertPath);
            options.setTrustOptions(trust);
        });
        this.client = vertx.createHttpClient(options);
    }

    void close(@Observes ShutdownEvent shutdown) {
        client.close();
    }

    public CompletableFuture<Result> post(CallbackUrls.Target target, Map<String, String> headers, String body) {
        long started = System.nanoTime();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(target.uri().toString())
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                .setFollowRedirects(false)
                .setIdleTimeout(timeoutMs);
        headers.forEach(options::putHeader);
        options.putHeader("content-type", "application/json");
        return client.request(options)
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(b -> new Result(response.statusCode(), b.toString(), null, millis(started))))
                .toCompletionStage().toCompletableFuture()
                .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    String error = cause instanceof java.util.concurrent.TimeoutException
                            ? "no response within " + timeoutMs + " ms"
                            : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
                    return new Result(null, null, error, millis(started));
                });
    }

    private static long millis(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }
}
