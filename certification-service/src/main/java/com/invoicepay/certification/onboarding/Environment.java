package com.invoicepay.certification.onboarding;

import java.util.Arrays;
import java.util.Optional;

/** Where an app may call: the client attribute and claim {@code environment}; production is gated by certification. */
public enum Environment {
    SANDBOX("sandbox"), PRODUCTION("production");

    private final String wire;

    Environment(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Environment> of(String wire) {
        return Arrays.stream(values()).filter(e -> e.wire.equals(wire)).findFirst();
    }
}
