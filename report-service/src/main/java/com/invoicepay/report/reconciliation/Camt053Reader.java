package com.invoicepay.report.reconciliation;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a camt.053 bank statement (ISO 20022 {@code Document/BkToCstmrStmt}, any version) with StAX, one
 * entry ({@code Ntry}) at a time, never the document in memory. An entry becomes a statement line: amount
 * and currency from {@code Amt} and its {@code Ccy}, negative when {@code CdtDbtInd} is {@code DBIT}; the
 * date from {@code BookgDt/Dt} (or the date of {@code BookgDt/DtTm}); the reference from
 * {@code NtryDtls/TxDtls/RmtInf/Ustrd}, else {@code NtryDtls/TxDtls/Refs/EndToEndId} (unless NOTPROVIDED);
 * the text from {@code AddtlNtryInf}. Entries are numbered from 1 in document order: that number is the
 * line number of the results, and a malformed entry's reason gives its line and column in the file.
 */
final class Camt053Reader implements StatementReader {
    private static final Pattern AMOUNT = Pattern.compile("\\d{1,12}(\\.\\d{1,2})?");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final XMLInputFactory FACTORY = XMLInputFactory.newFactory();

    static {
        // a statement is data: no DTD, no external entities (XXE)
        FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        FACTORY.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    }

    private final CountingInputStream in;
    private final XMLStreamReader xml;
    private int entries;
    private boolean ended;

    Camt053Reader(InputStream file) throws IOException {
        this.in = new CountingInputStream(file);
        try {
            this.xml = FACTORY.createXMLStreamReader(in);
        } catch (XMLStreamException e) {
            throw new IOException(e);
        }
    }

    /** Whether the document starts as a camt.053 statement: root {@code Document}, first element {@code BkToCstmrStmt}. */
    static boolean isStatement(InputStream file) {
        try {
            XMLStreamReader xml = FACTORY.createXMLStreamReader(file);
            try {
                String[] firstTwo = new String[2];
                int seen = 0;
                while (seen < 2 && xml.hasNext()) {
                    if (xml.next() == XMLStreamConstants.START_ELEMENT) {
                        firstTwo[seen++] = xml.getLocalName();
                    }
                }
                return "Document".equals(firstTwo[0]) && "BkToCstmrStmt".equals(firstTwo[1]);
            } finally {
                xml.close();
            }
        } catch (XMLStreamException e) {
            return false;
        }
    }

    @Override
    public Staged next() throws IOException {
        if (ended) {
            return null;
        }
        boolean inEntry = false;
        try {
            while (xml.hasNext()) {
                if (xml.next() == XMLStreamConstants.START_ELEMENT && "Ntry".equals(xml.getLocalName())) {
                    inEntry = true;
                    return entry(++entries, xml.getLocation());
                }
            }
        } catch (XMLStreamException e) {
            // the rest of the document cannot be read: reported as one malformed entry, the entries before it stand
            ended = true;
            return new Staged(inEntry ? entries : entries + 1, null, "the XML is not well-formed" + at(e.getLocation())
                    + ": " + firstLine(e.getMessage()));
        }
        ended = true;
        return null;
    }

    /** The entry whose start tag was just read: its fields by path below {@code Ntry}. */
    private Staged entry(int number, Location start) throws XMLStreamException {
        String position = "entry " + number + at(start);
        Map<String, String> fields = new HashMap<>();
        Deque<String> path = new ArrayDeque<>();
        String currency = null;
        StringBuilder text = new StringBuilder();
        while (true) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                path.addLast(xml.getLocalName());
                text.setLength(0);
                if (path.size() == 1 && "Amt".equals(xml.getLocalName())) {
                    currency = xml.getAttributeValue(null, "Ccy");
                }
            } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                text.append(xml.getText());
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                if (path.isEmpty()) {
                    break; // </Ntry>
                }
                fields.putIfAbsent(String.join("/", path), text.toString().trim());
                path.removeLast();
                text.setLength(0);
            }
        }
        try {
            return new Staged(number, line(number, fields, currency), null);
        } catch (IllegalArgumentException e) {
            return new Staged(number, null, position + ": " + e.getMessage());
        }
    }

    private static StatementParser.Line line(int number, Map<String, String> f, String currency) {
        String amount = f.get("Amt");
        if (amount == null || !AMOUNT.matcher(amount).matches()) {
            throw new IllegalArgumentException("Amt is missing or not a decimal with a dot and at most two decimals");
        }
        if (currency == null || !CURRENCY.matcher(currency).matches()) {
            throw new IllegalArgumentException("Amt has no three-letter Ccy");
        }
        String sign = f.get("CdtDbtInd");
        if (!"CRDT".equals(sign) && !"DBIT".equals(sign)) {
            throw new IllegalArgumentException("CdtDbtInd is not CRDT or DBIT");
        }
        LocalDate date;
        try {
            String day = f.get("BookgDt/Dt");
            String time = f.get("BookgDt/DtTm");
            date = LocalDate.parse(day != null ? day : time != null && time.length() >= 10 ? time.substring(0, 10) : "");
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("BookgDt has no ISO date (Dt YYYY-MM-DD or DtTm)");
        }
        StatementParser.checkYear("BookgDt", date);
        String reference = f.get("NtryDtls/TxDtls/RmtInf/Ustrd");
        if (reference == null || reference.isEmpty()) {
            String endToEnd = f.get("NtryDtls/TxDtls/Refs/EndToEndId");
            reference = "NOTPROVIDED".equals(endToEnd) ? null : endToEnd;
        }
        if (reference != null && reference.length() > 200) {
            throw new IllegalArgumentException("reference longer than 200 characters");
        }
        String info = f.getOrDefault("AddtlNtryInf", "");
        BigDecimal value = new BigDecimal(amount);
        return new StatementParser.Line(number, date, "DBIT".equals(sign) ? value.negate() : value, currency,
                reference == null || reference.isEmpty() ? null : reference, info.length() > 500 ? info.substring(0, 500) : info);
    }

    private static String at(Location location) {
        return location == null ? "" : " (line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ")";
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.lastIndexOf("Message: ");
        return (nl >= 0 ? m.substring(nl + 9) : m).lines().findFirst().orElse("").strip();
    }

    @Override
    public int position() {
        return entries;
    }

    @Override
    public long charsRead() {
        return in.count;
    }

    @Override
    public void close() throws IOException {
        try {
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException(e);
        } finally {
            in.close();
        }
    }

    /** Bytes read from the file so far, for the run's percent. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
