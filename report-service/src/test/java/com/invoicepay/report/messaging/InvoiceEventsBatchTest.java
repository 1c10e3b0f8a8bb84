package com.invoicepay.report.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.report.ReportTestSupport.Paid;
import com.invoicepay.report.ReportTestSupport.Point;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.invoicepay.report.ReportTestSupport.newPoint;
import static com.invoicepay.report.ReportTestSupport.paid;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The consumer's batches, handed to it as the connector does (a poll's records) so the batch's content is
 * certain: a batch commits in one transaction; a poison record in it is skipped while the rest is booked,
 * with the instant transfers announced through the outbox; a batch delivered again books nothing twice.
 */
@QuarkusTest
class InvoiceEventsBatchTest {
    @Inject
    InvoiceEventsConsumer consumer;
    @Inject
    AgroalDataSource db;

    @Test
    void aBatchIsBookedInOneTransactionAndAnnouncesItsInstantTransfers() throws Throwable {
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        List<Paid> payments = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            payments.add(paid(p, (10 + i) + ".00", Instant.now(), "B-" + i, "B-REF-" + i));
        }
        consume(payments.stream().map(Paid::envelope).toList());

        assertEquals(5, count("select count(*) from ledger_entry where type = 'Payment' and payment_point_id = '" + p.id() + "'"));
        assertEquals(1, count("select count(distinct xmin::text) from processed_event where event_id in (" + ids(payments) + ")"),
                "one transaction wrote every event's row");
        assertEquals(5, count("select count(*) from transfer where payment_point_id = '" + p.id() + "'"));
        assertEquals(5, count("select count(*) from outbox_event where envelope ->> 'type' = 'TransferExecuted'"
                + " and envelope -> 'payload' ->> 'paymentPointId' = '" + p.id() + "'"));
    }

    @Test
    void aPoisonRecordInABatchIsSkippedAndTheRestIsBookedOnce() throws Throwable {
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        Paid before = paid(p, "21.00", Instant.now(), "P-BEFORE", null);
        Paid broken = paid(p, "22.00", Instant.now(), "P-BROKEN", null);
        ObjectNode payload = broken.envelope().payload().deepCopy();
        payload.remove("totalAmount");
        EventEnvelope e = broken.envelope();
        EventEnvelope unreadable = new EventEnvelope(e.eventId(), e.type(), 1, e.occurredAt(), e.source(), e.merchantId(),
                null, null, null, null, payload);
        // names merchant 1's payment point as merchant 2's: refused by the ledger in the middle of the batch
        Paid impostor = paid(new Point(p.id(), MERCHANT_2.merchantId(), "Not yours", "DK", "Instant"), "23.00",
                Instant.now(), "P-IMPOSTOR", null);
        Paid after = paid(p, "24.00", Instant.now(), "P-AFTER", null);
        List<EventEnvelope> batch = List.of(before.envelope(), unreadable, impostor.envelope(), after.envelope());

        consume(batch);
        consume(batch); // delivered again (at least once)

        assertEquals(Map.of("P-BEFORE", 1L, "P-AFTER", 1L), payments(p));
        assertEquals(0, count("select count(*) from processed_event where event_id in ('" + e.eventId() + "', '"
                + impostor.envelope().eventId() + "')"), "the poison records left no trace");
        assertEquals(2, count("select count(*) from outbox_event where envelope ->> 'type' = 'TransferExecuted'"
                + " and envelope -> 'payload' ->> 'paymentPointId' = '" + p.id() + "'"));
    }

    /** Hands the envelopes to the consumer as one poll of one partition, on a Vert.x context like the connector's. */
    private void consume(List<EventEnvelope> envelopes) throws Throwable {
        TopicPartition partition = new TopicPartition("test-invoice-events", 0);
        List<ConsumerRecord<String, EventEnvelope>> records = new ArrayList<>();
        for (int i = 0; i < envelopes.size(); i++) {
            records.add(new ConsumerRecord<>(partition.topic(), 0, i, envelopes.get(i).merchantId().toString(), envelopes.get(i)));
        }
        VertxContextSupport.subscribeAndAwait(() -> consumer.consume(new ConsumerRecords<>(Map.of(partition, records))));
    }

    private Map<String, Long> payments(Point p) throws SQLException {
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery(
                "select invoice_number from ledger_entry where type = 'Payment' and payment_point_id = '" + p.id() + "'")) {
            List<String> numbers = new ArrayList<>();
            while (r.next()) {
                numbers.add(r.getString(1));
            }
            return numbers.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        }
    }

    private static String ids(List<Paid> payments) {
        return payments.stream().map(x -> "'" + x.envelope().eventId() + "'").collect(Collectors.joining(", "));
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
