package com.invoicepay.report.reconciliation;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads one line of a CSV bank statement: {@code booking_date,amount,currency,reference,text} with
 * ISO dates, dot decimals (at most two), credits positive, RFC 4180 quoting.
 */
public final class StatementParser {
    public static final String HEADER = "booking_date,amount,currency,reference,text";
    private static final Pattern AMOUNT = Pattern.compile("-?\\d{1,12}(\\.\\d{1,2})?");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private StatementParser() {
    }

    public record Line(int number, LocalDate bookingDate, BigDecimal amount, String currency, String reference, String text) {
    }

    /** The line, or an exception whose message says why it is malformed. */
    public static Line parse(int number, String raw) {
        if (raw.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("the line contains a NUL character");
        }
        List<String> f = fields(raw);
        if (f.size() != 5) {
            throw new IllegalArgumentException("expected 5 fields, found " + f.size());
        }
        LocalDate date;
        try {
            date = LocalDate.parse(f.get(0).trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("booking_date is not an ISO date (YYYY-MM-DD)");
        }
        checkYear("booking_date", date);
        String amount = f.get(1).trim();
        if (!AMOUNT.matcher(amount).matches()) {
            throw new IllegalArgumentException("amount is not a decimal with a dot and at most two decimals");
        }
        String currency = f.get(2).trim();
        if (!CURRENCY.matcher(currency).matches()) {
            throw new IllegalArgumentException("currency is not a three-letter code");
        }
        String reference = f.get(3).trim();
        if (reference.length() > 200) {
            throw new IllegalArgumentException("reference longer than 200 characters");
        }
        String text = f.get(4);
        return new Line(number, date, new BigDecimal(amount), currency, reference.isEmpty() ? null : reference,
                text.length() > 500 ? text.substring(0, 500) : text);
    }

    /**
     * A booking date of the years 0001-9999, else the line is malformed: ISO-8601 also reads 0000-01-01 and
     * +999999999-01-01, which PostgreSQL's COPY refused and so failed the whole run.
     */
    static void checkYear(String field, LocalDate date) {
        if (date.getYear() < 1 || date.getYear() > 9999) {
            throw new IllegalArgumentException(field + " is outside the years 0001-9999");
        }
    }

    public static boolean isHeader(String line) {
        String l = line.startsWith("\uFEFF") ? line.substring(1) : line;
        return l.trim().replace(" ", "").equalsIgnoreCase(HEADER);
    }

    /** RFC 4180 fields of one line (no embedded line breaks). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"' && cur.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field");
        }
        out.add(cur.toString());
        return out;
    }
}
