package com.invoicepay.common.time;

import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one clock of a service: system UTC time plus an offset. Outside sandbox mode the offset is
 * always zero (the endpoint that moves it does not exist there), so production reads real time.
 * Tests and the local sandbox move time forward instead of sleeping (expiry, night transfers, retries).
 */
@Singleton
public class SandboxClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), offset);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    public Duration offset() {
        return offset;
    }

    void setOffset(Duration offset) {
        this.offset = offset;
    }
}
