package com.invoicepay.report.reconciliation;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** camt.053 entries read as statement lines, one at a time; malformed entries with their position. */
class Camt053ReaderTest {
    static final String HEAD = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
              <BkToCstmrStmt>
                <GrpHdr><MsgId>STMT-1</MsgId></GrpHdr>
                <Stmt>
                  <Id>1</Id>
                  <Bal><Amt Ccy="DKK">99999.99</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>
            """;
    static final String TAIL = """
                </Stmt>
              </BkToCstmrStmt>
            </Document>
            """;

    static String entry(String amount, String ccy, String sign, String date, String details) {
        return "<Ntry><Amt" + (ccy == null ? "" : " Ccy=\"" + ccy + "\"") + ">" + amount + "</Amt><CdtDbtInd>" + sign
                + "</CdtDbtInd><Sts>BOOK</Sts><BookgDt>" + date + "</BookgDt>" + details
                + "<AddtlNtryInf>MobilePay transfer</AddtlNtryInf></Ntry>\n";
    }

    static List<StatementReader.Staged> read(String xml) throws IOException {
        List<StatementReader.Staged> out = new ArrayList<>();
        try (Camt053Reader reader = new Camt053Reader(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))) {
            StatementReader.Staged s;
            while ((s = reader.next()) != null) {
                out.add(s);
            }
            assertEquals(xml.getBytes(StandardCharsets.UTF_8).length, reader.charsRead(), "the whole file was read");
        }
        return out;
    }

    @Test
    void entriesBecomeLinesWithReferenceFromUstrdElseEndToEndId() throws IOException {
        List<StatementReader.Staged> lines = read(HEAD
                + entry("722.86", "DKK", "CRDT", "<Dt>2026-11-23</Dt>",
                "<NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs>"
                        + "<AmtDtls><InstdAmt><Amt Ccy=\"EUR\">1.00</Amt></InstdAmt></AmtDtls>"
                        + "<RmtInf><Ustrd>186</Ustrd></RmtInf></TxDtls></NtryDtls>")
                + entry("1204.10", "DKK", "CRDT", "<DtTm>2026-11-24T06:00:00+01:00</DtTm>",
                "<NtryDtls><TxDtls><Refs><EndToEndId>04000000000072510262</EndToEndId></Refs></TxDtls></NtryDtls>")
                + entry("10", "EUR", "DBIT", "<Dt>2026-11-25</Dt>",
                "<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs></TxDtls></NtryDtls>")
                + TAIL);
        assertEquals(3, lines.size());
        StatementParser.Line first = lines.get(0).line();
        assertEquals(1, lines.get(0).number());
        assertEquals(LocalDate.parse("2026-11-23"), first.bookingDate());
        assertEquals(new BigDecimal("722.86"), first.amount(), "the entry's Amt, not the transaction's InstdAmt");
        assertEquals("DKK", first.currency());
        assertEquals("186", first.reference(), "Ustrd before EndToEndId");
        assertEquals("MobilePay transfer", first.text());
        assertEquals("04000000000072510262", lines.get(1).line().reference());
        assertEquals(LocalDate.parse("2026-11-24"), lines.get(1).line().bookingDate());
        assertEquals(new BigDecimal("-10"), lines.get(2).line().amount(), "a debit is negative");
        assertNull(lines.get(2).line().reference(), "NOTPROVIDED is no reference");
    }

    @Test
    void aMalformedEntryIsReportedWithItsPositionAndTheNextIsRead() throws IOException {
        List<StatementReader.Staged> lines = read(HEAD
                + entry("5.00", null, "CRDT", "<Dt>2026-11-23</Dt>", "")
                + entry("5.001", "DKK", "CRDT", "<Dt>2026-11-23</Dt>", "")
                + entry("5.00", "DKK", "CRDT", "<Dt>23.11.2026</Dt>", "")
                + entry("5.00", "DKK", "CREDIT", "<Dt>2026-11-23</Dt>", "")
                + entry("6.00", "DKK", "CRDT", "<Dt>2026-11-23</Dt>", "")
                + TAIL);
        assertEquals(5, lines.size());
        assertEquals("entry 1 (line 8, column 7): Amt has no three-letter Ccy", lines.get(0).error());
        assertTrue(lines.get(1).error().startsWith("entry 2 (line 9,") && lines.get(1).error().contains("two decimals"),
                lines.get(1).error());
        assertTrue(lines.get(2).error().contains("BookgDt"), lines.get(2).error());
        assertTrue(lines.get(3).error().contains("CdtDbtInd"), lines.get(3).error());
        assertEquals(new BigDecimal("6.00"), lines.get(4).line().amount());
    }

    @Test
    void aDocumentBrokenHalfWayKeepsTheEntriesBeforeAndReportsWhere() throws IOException {
        List<StatementReader.Staged> lines = new ArrayList<>();
        String xml = HEAD + entry("1.00", "DKK", "CRDT", "<Dt>2026-11-23</Dt>", "") + "<Ntry><Amt Ccy=\"DKK\">2.00</Amt></Ntr";
        try (Camt053Reader reader = new Camt053Reader(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))) {
            StatementReader.Staged s;
            while ((s = reader.next()) != null) {
                lines.add(s);
            }
        }
        assertEquals(2, lines.size());
        assertEquals(new BigDecimal("1.00"), lines.get(0).line().amount());
        assertEquals(2, lines.get(1).number());
        assertTrue(lines.get(1).error().startsWith("the XML is not well-formed (line 9,"), lines.get(1).error());
    }

    @Test
    void onlyABankToCustomerStatementIsAStatement() {
        assertTrue(Camt053Reader.isStatement(stream(HEAD + TAIL)));
        assertFalse(Camt053Reader.isStatement(stream("<Document><BkToCstmrDbtCdtNtfctn/></Document>")));
        assertFalse(Camt053Reader.isStatement(stream("<html><body/></html>")));
        assertFalse(Camt053Reader.isStatement(stream("booking_date,amount,currency,reference,text\n")));
    }

    @Test
    void anExternalEntityIsNeverRead() throws IOException {
        String secret = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).strip();
        List<StatementReader.Staged> lines = new ArrayList<>();
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n"
                + HEAD.substring(HEAD.indexOf('\n') + 1) + entry("1.00", "DKK", "CRDT", "<Dt>2026-11-23</Dt>",
                "<NtryDtls><TxDtls><RmtInf><Ustrd>&x;</Ustrd></RmtInf></TxDtls></NtryDtls>") + TAIL;
        try (Camt053Reader reader = new Camt053Reader(stream(xml))) {
            StatementReader.Staged s;
            while ((s = reader.next()) != null) {
                lines.add(s);
            }
        }
        assertFalse(lines.isEmpty());
        assertTrue(lines.stream().allMatch(l -> l.line() == null || l.line().reference() == null
                || !l.line().reference().contains(secret)), lines.toString());
    }

    static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
