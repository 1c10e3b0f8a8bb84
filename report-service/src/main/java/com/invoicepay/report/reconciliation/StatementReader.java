package com.invoicepay.report.reconciliation;

import java.io.IOException;

/** A spooled statement's lines, read one at a time, never all in memory: CSV or camt.053. */
interface StatementReader extends AutoCloseable {

    /** A line as read: parsed, or malformed ({@code line} null) with the reason. */
    record Staged(int number, StatementParser.Line line, String error) {
    }

    /** The next line, or null at the end. */
    Staged next() throws IOException;

    /** Lines (CSV, blank ones included) or entries (camt.053) read so far. */
    int position();

    /** Characters (CSV) or bytes (camt.053) of the file read so far, for the run's percent. */
    long charsRead();

    @Override
    void close() throws IOException;
}
