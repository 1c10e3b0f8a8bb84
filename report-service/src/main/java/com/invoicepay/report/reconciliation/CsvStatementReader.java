package com.invoicepay.report.reconciliation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A CSV statement ({@link StatementParser}) line by line; blank lines are skipped but counted. */
final class CsvStatementReader implements StatementReader {
    private final BufferedReader reader;
    private int line;
    private long chars;

    CsvStatementReader(Path file) throws IOException {
        // bytes that are not UTF-8 become U+FFFD (and the line is judged on what is left), never a failed run
        this.reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8));
    }

    /** Whether the file's first line that says something is the statement's header. */
    static boolean isStatement(Path file) throws IOException {
        try (CsvStatementReader csv = new CsvStatementReader(file)) {
            String header = csv.firstNonBlank();
            return header != null && StatementParser.isHeader(header);
        }
    }

    /** A reader past the header, which {@link #isStatement} checked at upload. */
    static CsvStatementReader pastHeader(Path file) throws IOException {
        CsvStatementReader csv = new CsvStatementReader(file);
        csv.firstNonBlank();
        return csv;
    }

    @Override
    public Staged next() throws IOException {
        String raw = firstNonBlank();
        if (raw == null) {
            return null;
        }
        try {
            return new Staged(line, StatementParser.parse(line, raw), null);
        } catch (IllegalArgumentException e) {
            return new Staged(line, null, e.getMessage());
        }
    }

    private String raw() throws IOException {
        String l = reader.readLine();
        if (l != null) {
            line++;
            chars += l.length() + 1;
        }
        return l;
    }

    /** Past blank lines to the first line that says something, or null at the end. */
    private String firstNonBlank() throws IOException {
        String l = raw();
        while (l != null && l.isBlank()) {
            l = raw();
        }
        return l;
    }

    @Override
    public int position() {
        return line;
    }

    @Override
    public long charsRead() {
        return chars;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
