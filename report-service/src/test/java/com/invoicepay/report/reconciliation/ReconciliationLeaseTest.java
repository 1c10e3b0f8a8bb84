package com.invoicepay.report.reconciliation;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static com.invoicepay.report.ReportTestSupport.reporting;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs whose instance died: a run's row as a stopped JVM leaves it (Running, its lease no longer renewed,
 * lines staged) is failed by the sweep with its reason; a run another live instance still leases is not;
 * two replicas sweeping together fail each lost run once. The test profile's lease is 6 s, renewed every
 * second, so the other tests' runs (the 250 000-line one included) also prove that a live run keeps its lease.
 */
@QuarkusTest
class ReconciliationLeaseTest {
    @Inject
    AgroalDataSource db;
    @Inject
    Reconciliations reconciliations;

    @Test
    void aRunWhoseInstanceStoppedIsFailedWithItsReasonWhileALiveInstancesRunIsNot() throws SQLException {
        UUID lost = runLeasedFor(-1);
        UUID live = runLeasedFor(3600); // another replica's, renewed elsewhere
        try {
            stage(lost, 3);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                    "Failed".equals(reporting(MERCHANT_1).when().get("/api/v1/reconciliations/" + lost).then()
                            .statusCode(200).extract().path("status")));
            reporting(MERCHANT_1).when().get("/api/v1/reconciliations/" + lost).then()
                    .body("failure", equalTo(Reconciliations.LOST)).body("completedAt", org.hamcrest.Matchers.nullValue());
            assertEquals(0, count("select count(*) from statement_stage where run_id = '" + lost + "'"), "staged lines dropped");
            reporting(MERCHANT_1).when().get("/api/v1/reconciliations/" + live).then().statusCode(200)
                    .body("status", equalTo("Running"));
        } finally {
            update("update reconciliation_run set status = 'Failed' where id = '" + live + "'");
        }
    }

    @Test
    void twoReplicasSweepingTogetherFailEachLostRunOnce() throws Exception {
        List<UUID> lost = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lost.add(runLeasedFor(-1));
        }
        CompletableFuture<List<UUID>> first = reconciliations.sweep().subscribeAsCompletionStage();
        CompletableFuture<List<UUID>> second = reconciliations.sweep().subscribeAsCompletionStage();
        Set<UUID> both = new HashSet<>(first.get());
        both.retainAll(second.get());
        assertTrue(both.isEmpty(), "failed by both sweeps: " + both);
        for (UUID run : lost) {
            assertEquals(1, count("select count(*) from reconciliation_run where status = 'Failed' and id = '" + run + "'"));
        }
    }

    /** A Running run of merchant 1 whose lease ends {@code seconds} from now (database time). */
    private UUID runLeasedFor(int seconds) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into reconciliation_run (id, merchant_id, created_at, date_window_days, status, total_chars, lease_until)
                values (?, ?, now(), 3, 'Running', 1000, now() + ? * interval '1 second')""")) {
            s.setObject(1, id);
            s.setObject(2, MERCHANT_1.merchantId());
            s.setInt(3, seconds);
            s.executeUpdate();
        }
        return id;
    }

    private void stage(UUID run, int lines) throws SQLException {
        update("insert into statement_stage (run_id, line_number, booking_date, amount, currency) select '" + run
                + "', n, date '2026-01-01', 1.00, 'DKK' from generate_series(2, " + (lines + 1) + ") n");
        assertEquals(lines, count("select count(*) from statement_stage where run_id = '" + run + "'"));
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private void update(String sql) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.createStatement().executeUpdate(sql);
        }
    }
}
