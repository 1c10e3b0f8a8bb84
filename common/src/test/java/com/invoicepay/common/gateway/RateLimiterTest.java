package com.invoicepay.common.gateway;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void allowsTheBurstThenAsksToWait() {
        RateLimiter limiter = new RateLimiter(true, 2.0, 3, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("app", "m1"), "request " + i);
        }
        assertEquals(1, limiter.acquire("app", "m1"));
    }

    @Test
    void refillsAtTheSustainedRate() {
        RateLimiter limiter = new RateLimiter(true, 0.25, 1, now::get); // one request every 4 s
        assertEquals(0, limiter.acquire("app", "m1"));
        assertEquals(4, limiter.acquire("app", "m1"));
        now.addAndGet(2_000_000_000L);
        assertEquals(2, limiter.acquire("app", "m1"));
        now.addAndGet(2_000_000_001L);
        assertEquals(0, limiter.acquire("app", "m1"));
    }

    @Test
    void bucketsArePerClientAndMerchant() {
        RateLimiter limiter = new RateLimiter(true, 1.0, 1, now::get);
        assertEquals(0, limiter.acquire("app", "m1"));
        assertEquals(0, limiter.acquire("app", "m2"));
        assertEquals(0, limiter.acquire("other-app", "m1"));
        assertEquals(1, limiter.acquire("app", "m1"));
    }

    @Test
    void disabledNeverLimits() {
        RateLimiter limiter = new RateLimiter(false, 1.0, 1, now::get);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limiter.acquire("app", "m1"));
        }
    }

    @Test
    void nonsenseSettingsAreRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(true, 0, 1, now::get));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(true, 1, 0, now::get));
    }
}
