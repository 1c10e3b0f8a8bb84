package com.invoicepay.report.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;
import java.util.List;

/** CSV bodies of the Reporting API: a header row of the JSON names, RFC 4180 quoting, plain decimals. */
final class Csv {
    static final String TEXT_CSV = "text/csv";
    private static final MediaType CSV_TYPE = MediaType.valueOf("text/csv; charset=UTF-8");

    private Csv() {
    }

    /** CSV when the client prefers text/csv to JSON (its first acceptable type that we produce). */
    static boolean wanted(HttpHeaders headers) {
        for (MediaType type : headers.getAcceptableMediaTypes()) {
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()) {
                return false;
            }
            if ("text".equals(type.getType()) && "csv".equals(type.getSubtype())) {
                return true;
            }
        }
        return false;
    }

    static Response response(List<String> columns, List<List<Object>> rows) {
        StringBuilder out = new StringBuilder();
        line(out, columns.stream().map(c -> (Object) c).toList());
        rows.forEach(row -> line(out, row));
        return Response.ok(out.toString(), CSV_TYPE).build();
    }

    private static void line(StringBuilder out, List<Object> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(values.get(i)));
        }
        out.append("\r\n");
    }

    static String field(Object value) {
        if (value == null) {
            return "";
        }
        String s = value instanceof BigDecimal d ? d.toPlainString() : value.toString();
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
