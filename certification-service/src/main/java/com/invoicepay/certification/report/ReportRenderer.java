package com.invoicepay.certification.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.invoicepay.certification.catalog.Catalog;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.service.CaseJudging;
import com.invoicepay.certification.service.CaseRules;
import com.invoicepay.common.events.EventJson;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds a run's report and writes it as JSON (the signed form), HTML (Qute) and JUnit XML. */
@ApplicationScoped
public class ReportRenderer {
    private final Template html;

    public ReportRenderer(@Location("report.html") Template html) {
        this.html = html;
    }

    /** The report of a run from its cases and evidence; catalog cases of features not selected are SKIPPED. */
    public static Report build(CertificationRun run, Catalog catalog, List<RunCase> cases, List<CaseEvidence> evidence,
                               Report.Certificate certificate, Instant now) {
        List<Report.CaseResult> results = new ArrayList<>();
        for (RunCase c : cases) {
            var assertions = CaseJudging.assertions(c);
            List<Report.Evidence> ev = evidence.stream().filter(e -> e.ordinal == c.key.ordinal)
                    .map(e -> new Report.Evidence(e.assertionIndex < assertions.size() ? CaseRules.describe(assertions.get(e.assertionIndex)) : null,
                            e.outcome, e.source, e.eventType, e.eventId, e.occurredAt, e.correlationId, e.method, e.route,
                            e.status, e.invoiceId, e.reason, e.repeats, e.lastRepeatAt)).toList();
            results.add(new Report.CaseResult(c.caseId, c.feature, c.title, c.checklist, c.status, c.reason, c.judgedAt, ev));
        }
        if (catalog.version().equals(run.catalogVersion)) {
            for (Catalog.Feature f : catalog.features()) {
                if (cases.stream().noneMatch(c -> c.feature.equals(f.id()))) {
                    f.cases().forEach(c -> results.add(new Report.CaseResult(c.id(), f.id(), c.title(), c.checklist(),
                            RunCase.SKIPPED, "feature " + f.id() + " not selected", null, List.of())));
                }
            }
        }
        Report.Summary summary = new Report.Summary(count(results, CaseRules.PASSED), count(results, CaseRules.WARNING),
                count(results, CaseRules.FAILED), count(results, RunCase.REVIEW), count(results, RunCase.SKIPPED),
                count(results, RunCase.PENDING));
        String result = CertificationRun.APPROVED.equals(run.status) ? "CERTIFIED"
                : CertificationRun.CANCELLED.equals(run.status) || summary.failed() > 0 ? "NOT_CERTIFIED" : "IN_PROGRESS";
        return new Report(Report.FORMAT, run.id, run.integratorId, run.sandboxClientId, run.productionClientId,
                run.clientSystemName, run.clientVersion, run.majorMinor, run.catalogVersion, run.status, result, now,
                summary, results, certificate);
    }

    public static byte[] json(Report report) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report not serializable", e);
        }
    }

    public static Report read(String json) {
        try {
            return EventJson.MAPPER.readValue(json, Report.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored report unreadable", e);
        }
    }

    public String html(Report report) {
        return html.data("report", report).render();
    }

    /**
     * JUnit XML, one testcase per case (classname = feature): FAILED is a failure, SKIPPED, REVIEW and
     * PENDING are skipped (not yet or never judged), WARNING passes with its reason in system-out.
     */
    public static String junit(Report report) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        long skipped = report.summary().skipped() + report.summary().review() + report.summary().pending();
        x.append("<testsuite name=\"").append(esc("certification " + report.clientSystemName() + " " + report.clientVersion()))
                .append("\" tests=\"").append(report.cases().size()).append("\" failures=\"").append(report.summary().failed())
                .append("\" errors=\"0\" skipped=\"").append(skipped).append("\" timestamp=\"").append(report.generatedAt()).append("\">\n");
        x.append("  <properties>\n");
        prop(x, "runId", String.valueOf(report.runId()));
        prop(x, "result", report.result());
        prop(x, "productionClientId", report.productionClientId());
        prop(x, "catalogVersion", report.catalogVersion());
        x.append("  </properties>\n");
        for (Report.CaseResult c : report.cases()) {
            x.append("  <testcase classname=\"").append(esc(c.feature())).append("\" name=\"").append(esc(c.id() + ": " + c.title())).append("\">");
            String reason = esc((c.checklist() == null ? "" : "[" + c.checklist() + "] ") + (c.reason() == null ? c.result() : c.reason()));
            switch (c.result()) {
                case CaseRules.FAILED -> x.append("\n    <failure message=\"").append(reason).append("\" type=\"FAILED\">")
                        .append(esc(evidenceText(c))).append("</failure>\n  ");
                case RunCase.SKIPPED, RunCase.REVIEW, RunCase.PENDING -> x.append("\n    <skipped message=\"")
                        .append(esc(c.result())).append(": ").append(reason).append("\"/>\n  ");
                case CaseRules.WARNING -> x.append("\n    <system-out>").append(esc("WARNING: " + c.reason())).append("</system-out>\n  ");
                default -> {
                }
            }
            x.append("</testcase>\n");
        }
        return x.append("</testsuite>\n").toString();
    }

    private static String evidenceText(Report.CaseResult c) {
        StringBuilder s = new StringBuilder();
        for (Report.Evidence e : c.evidence()) {
            s.append(e.occurredAt()).append(' ').append(e.outcome()).append(' ').append(e.source())
                    .append(e.method() == null ? "" : " " + e.method() + " " + e.route() + " " + e.status())
                    .append(e.type() == null ? "" : " " + e.type())
                    .append(e.correlationId() == null ? "" : " cid=" + e.correlationId())
                    .append(e.reason() == null ? "" : ": " + e.reason())
                    .append(e.repeats() == 0 ? "" : " (and " + e.repeats() + " more like it, the last at " + e.lastRepeatAt() + ")").append('\n');
        }
        return s.toString();
    }

    private static void prop(StringBuilder x, String name, String value) {
        x.append("    <property name=\"").append(name).append("\" value=\"").append(esc(value)).append("\"/>\n");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (ch >= 0x20 || ch == '\n' || ch == '\t') {
                        out.append(ch); // other control characters are not allowed in XML 1.0
                    }
                }
            }
        }
        return out.toString();
    }

    private static long count(List<Report.CaseResult> results, String status) {
        return results.stream().filter(r -> status.equals(r.result())).count();
    }
}
