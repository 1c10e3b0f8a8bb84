package com.invoicepay.report.rest;

import java.math.BigDecimal;
import java.util.List;

/** Response bodies of reporting.yaml (camelCase, nullable fields present as null). */
public final class ReportingViews {
    private ReportingViews() {
    }

    public record PaymentPoint(String id, String name, String productType, String alias) {
    }

    public record PaymentPoints(int pageSize, Integer nextPageNumber, List<PaymentPoint> paymentPoints) {
    }

    public record Transaction(String paymentId, String type, BigDecimal amount, String currencyCode, String timestamp,
                              String message, String merchantReference, String transferReference, String transferDate) {
        static final List<String> CSV_COLUMNS = List.of("paymentId", "type", "amount", "currencyCode", "timestamp",
                "message", "merchantReference", "transferReference", "transferDate");

        List<Object> csvValues() {
            return java.util.Arrays.asList(paymentId, type, amount, currencyCode, timestamp, message, merchantReference,
                    transferReference, transferDate);
        }
    }

    public record Transactions(int pageSize, Integer nextPageNumber, List<Transaction> transactions) {
    }

    public record Transfer(String id, String reference, String date, BigDecimal totalTransferredAmount,
                           String currencyCode, String paymentPointId) {
        static final List<String> CSV_COLUMNS = List.of("id", "reference", "date", "totalTransferredAmount",
                "currencyCode", "paymentPointId");

        List<Object> csvValues() {
            return java.util.Arrays.asList(id, reference, date, totalTransferredAmount, currencyCode, paymentPointId);
        }
    }

    public record Transfers(int pageSize, Integer nextPageNumber, List<Transfer> transfers) {
    }
}
