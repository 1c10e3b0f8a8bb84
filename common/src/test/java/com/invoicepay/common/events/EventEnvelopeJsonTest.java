package com.invoicepay.common.events;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventEnvelopeJsonTest {
    record StatusChanged(UUID invoiceId, String status, long sequence) {
    }

    private final EnvelopeSerializer serializer = new EnvelopeSerializer();
    private final EnvelopeDeserializer deserializer = new EnvelopeDeserializer();

    @Test
    void envelopeSurvivesTheWireBothWays() {
        UUID merchant = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7");
        UUID invoice = UUID.randomUUID();
        EventEnvelope sent = EventEnvelope.of("InvoicePaid", 1, Instant.parse("2026-03-29T01:30:00.123Z"),
                "invoice-service", merchant, new EventOrigin("corr-1", "integrator-app", "ShopSys", "1.4.12"),
                new StatusChanged(invoice, "Paid", 3));

        byte[] wire = serializer.serialize("invoice-events", sent);
        String json = new String(wire, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"occurredAt\":\"2026-03-29T01:30:00.123Z\""), json);
        assertTrue(json.contains("\"merchantId\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\""), json);

        EventEnvelope received = deserializer.deserialize("invoice-events", wire);
        assertEquals(sent.eventId(), received.eventId());
        assertEquals(sent.occurredAt(), received.occurredAt());
        assertEquals(sent.clientVersion(), received.clientVersion());
        assertEquals(json, new String(serializer.serialize("invoice-events", received), StandardCharsets.UTF_8));
        assertEquals(new StatusChanged(invoice, "Paid", 3), received.payloadAs(StatusChanged.class));
    }

    @Test
    void theClientOfTheEnvelopeIsAlsoInTheRecordHeadersOnceEach() {
        EventEnvelope sent = EventEnvelope.of("ApiCall", 1, Instant.EPOCH, "invoice-service", null,
                new EventOrigin("corr-1", "integrator-app", "ShopSys", "1.4.12"), new StatusChanged(UUID.randomUUID(), "Paid", 1));
        RecordHeaders headers = new RecordHeaders();
        byte[] wire = serializer.serialize("api-activity", headers, sent);
        serializer.serialize("api-activity", headers, sent); // a record sent again keeps one header of each
        assertEquals(sent.eventId(), deserializer.deserialize("api-activity", wire).eventId());
        assertEquals("integrator-app", header(headers, EnvelopeSerializer.CLIENT_ID));
        assertEquals("ShopSys", header(headers, EnvelopeSerializer.CLIENT_SYSTEM_NAME));
        assertEquals("1.4.12", header(headers, EnvelopeSerializer.CLIENT_VERSION));
        assertEquals(3, headers.toArray().length);

        RecordHeaders none = new RecordHeaders();
        serializer.serialize("invoice-events", none, EventEnvelope.of("InvoiceExpired", 1, Instant.EPOCH, "invoice-service", null,
                EventOrigin.NONE, new StatusChanged(UUID.randomUUID(), "Expired", 1)));
        assertEquals(0, none.toArray().length, "an envelope without a client has no client headers");
    }

    private static String header(RecordHeaders headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void unknownFieldsAreIgnoredSoNewFieldsNeverBreakConsumers() {
        String json = """
                {"eventId":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","type":"InvoiceCreated","schemaVersion":1,
                 "occurredAt":"2026-01-01T00:00:00Z","source":"invoice-service","addedLater":{"x":1},
                 "payload":{"invoiceId":"1b4e28ba-2fa1-11d2-883f-0016d3cca428","status":"Created","sequence":0,"extra":true}}""";
        EventEnvelope e = deserializer.deserialize("invoice-events", json.getBytes(StandardCharsets.UTF_8));
        assertEquals("InvoiceCreated", e.type());
        assertNull(e.merchantId());
        assertEquals(0, e.payloadAs(StatusChanged.class).sequence());
    }

    @Test
    void absentOptionalFieldsAreNotWrittenAsNull() {
        EventEnvelope e = EventEnvelope.of("InvoiceExpired", 1, Instant.EPOCH, "invoice-service", null, EventOrigin.NONE,
                new StatusChanged(UUID.randomUUID(), "Expired", 1));
        String json = new String(serializer.serialize("t", e), StandardCharsets.UTF_8);
        assertFalse(json.contains("correlationId"), json);
        assertFalse(json.contains("null"), json);
    }

    @Test
    void aRecordThatIsNotAnEnvelopeIsASerializationError() {
        assertThrows(SerializationException.class,
                () -> deserializer.deserialize("invoice-events", "{\"type\":\"X\"}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(SerializationException.class,
                () -> deserializer.deserialize("invoice-events", "not json".getBytes(StandardCharsets.UTF_8)));
    }

    record Money(java.math.BigDecimal amount) {
    }

    @Test
    void moneyKeepsItsScaleOnTheWire() {
        EventEnvelope e = EventEnvelope.of("InvoicePaid", 1, Instant.EPOCH, "invoice-service", null, EventOrigin.NONE,
                new Money(new java.math.BigDecimal("360.00")));
        String json = new String(serializer.serialize("t", e), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"amount\":360.00"), json);
        assertEquals(new java.math.BigDecimal("360.00"), deserializer.deserialize("t", json.getBytes(StandardCharsets.UTF_8))
                .payloadAs(Money.class).amount());
    }

    @Test
    void schemaVersionStartsAtOne() {
        assertThrows(IllegalArgumentException.class, () -> new EventEnvelope(UUID.randomUUID(), "T", 0, Instant.EPOCH,
                "s", null, null, null, null, null, null));
    }
}
