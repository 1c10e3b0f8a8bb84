package com.invoicepay.common.gateway;

import com.invoicepay.common.config.PlatformConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per client and merchant: {@code burst} requests at once, refilled at
 * {@code requests-per-second}. Per replica, in memory: a limit that protects the service, not a
 * quota that must be exact across replicas. Uses the monotonic clock, not the sandbox clock.
 */
@ApplicationScoped
public class RateLimiter {
    private static final int MAX_BUCKETS = 100_000;

    private final boolean enabled;
    private final double perSecond;
    private final int burst;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    @Inject
    public RateLimiter(PlatformConfig config) {
        this(config.rateLimit().enabled(), config.rateLimit().requestsPerSecond(), config.rateLimit().burst(), System::nanoTime);
    }

    RateLimiter(boolean enabled, double perSecond, int burst, LongSupplier nanoTime) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("invoicepay.rate-limit needs requests-per-second > 0 and burst >= 1");
        }
        this.enabled = enabled;
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /** Takes one request from the caller's bucket: 0 when allowed, else the seconds to wait (Retry-After). */
    public long acquire(String clientId, String merchantId) {
        if (!enabled) {
            return 0;
        }
        if (buckets.size() > MAX_BUCKETS) {
            buckets.clear(); // a flood of distinct keys must not exhaust memory; full buckets are the default anyway
        }
        Bucket bucket = buckets.computeIfAbsent(clientId + '|' + merchantId, k -> new Bucket(burst, nanoTime.getAsLong()));
        return bucket.take(nanoTime.getAsLong());
    }

    private final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized long take(long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double waitSeconds = (1 - tokens) / perSecond;
            return Math.max(1, (long) Math.ceil(waitSeconds));
        }
    }
}
