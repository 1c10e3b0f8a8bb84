package com.invoicepay.report.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/** report-service's own settings (the {@code invoicepay.*} keys are common's PlatformConfig). */
@ConfigMapping(prefix = "report")
public interface ReportConfig {

    /** Transaction fee per currency code (DKK, EUR): percentage of the payment plus a fixed amount. */
    Map<String, Fee> fees();

    NightRun nightRun();

    Invariant invariant();

    Reconciliation reconciliation();

    Api api();

    Ops ops();

    interface Ops {
        /** How often today's ops figures behind the report_ops_* gauges are recomputed ({@code off} disables). */
        @WithDefault("30s")
        String refreshEvery();

        /** The longest range, in days up to today, the ops summary answers. */
        @WithDefault("90")
        int maxDays();

        /**
         * Encrypts the dashboard page's session cookie and the code flow's state cookie (OIDC tenant {@code ops-dashboard}, at
         * least 32 characters), shared by every replica. Required outside sandbox mode; in sandbox mode without it
         * each process generates its own at start (a restart logs operators out).
         */
        Optional<String> sessionSecret();
    }

    interface Api {
        /** Largest body of any request but a statement upload (those stream to a file). */
        @WithDefault("10485760")
        long maxBodyBytes();
    }

    interface Reconciliation {
        /** A statement line matches a transfer by amount when their dates are at most this many days apart. */
        @WithDefault("3")
        int dateWindowDays();

        /** Runs staging and matching at the same time; later uploads wait as Running at 0 %. */
        @WithDefault("2")
        int concurrentRuns();

        /**
         * How long a running run's lease lasts unless its instance renews it; a run whose lease expired
         * lost its instance and is failed by any replica's sweep.
         */
        @WithDefault("60")
        int leaseSeconds();

        /** How often an instance renews the leases of its runs and sweeps runs whose lease expired. */
        @WithDefault("15s")
        String heartbeatEvery();
    }

    interface Fee {
        /** Percent of the payment amount, e.g. 1.00 for 1 %. */
        BigDecimal percentage();

        /** Fixed amount per payment in the currency. */
        BigDecimal fixed();
    }

    interface NightRun {
        /**
         * How often the daily-transfer run looks for business days that have ended in their payment
         * point's zone ({@code off} disables the trigger; tests run it through the sandbox endpoint).
         */
        @WithDefault("60s")
        String every();

        /** Groups (payment point, business day, currency) transferred per database transaction. */
        @WithDefault("100")
        int batchSize();
    }

    interface Invariant {
        /** How often the ledger invariant gauge is recomputed ({@code off} disables). */
        @WithDefault("60s")
        String every();
    }
}
