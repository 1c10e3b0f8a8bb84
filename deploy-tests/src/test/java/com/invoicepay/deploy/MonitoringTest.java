package com.invoicepay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboards and alert rules only query metrics that exist: none is invented. */
class MonitoringTest {

    /**
     * Metrics that Quarkus, Micrometer and the Kafka client publish on their own, as seen at /q/metrics of
     * the running local stack, and those of kube-state-metrics, cAdvisor, Prometheus and Strimzi's Kafka Exporter.
     */
    private static final Set<String> PLATFORM_METRICS = Set.of(
            "http_server_requests_seconds_count", "http_server_requests_seconds_sum", "http_server_requests_seconds_max",
            "http_server_requests_seconds_bucket", // common's LatencyHistograms
            "jvm_memory_used_bytes", "process_cpu_usage", "sql_pool_queue_size", "sql_pool_active",
            "kafka_consumer_fetch_manager_records_lag",
            "kube_pod_container_status_ready", "kube_pod_container_resource_limits", "container_memory_working_set_bytes",
            "up", "kafka_consumergroup_lag");

    private static final Set<String> PROMQL_WORDS = Set.of(
            "sum", "max", "min", "avg", "count", "rate", "increase", "deriv", "by", "on", "without", "and", "or", "unless",
            "histogram_quantile", "label_values", "ignoring", "group_left");

    private static final Pattern COUNTER = Pattern.compile("counter\\(\"([a-z_]+)\"");
    private static final Pattern GAUGE = Pattern.compile("(?:gauge\\(|Gauge\\.builder\\()\"([a-z_]+)\"");
    private static final Pattern TIMER = Pattern.compile("Timer\\.builder\\(\"([a-z_]+)\"\\)");

    /** The names the services' own meters get in Prometheus (counters _total, timers _seconds...). */
    static Set<String> serviceMetrics() {
        Set<String> names = new TreeSet<>();
        for (String module : List.of("common", "invoice-service", "callback-service", "report-service", "certification-service")) {
            for (Path source : RepoTree.javaSources(module)) {
                String text = RepoTree.read(source);
                find(COUNTER, text).forEach(n -> names.add(n + "_total"));
                names.addAll(find(GAUGE, text));
                find(TIMER, text).forEach(n -> {
                    for (String suffix : List.of("_seconds", "_seconds_count", "_seconds_sum", "_seconds_max")) {
                        names.add(n + suffix);
                    }
                });
            }
        }
        return names;
    }

    private static List<String> find(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** Metric names in a PromQL expression: label matchers, grouping labels, ranges and strings removed. */
    static Set<String> metricsIn(String expr) {
        String bare = expr.replaceAll("\"[^\"]*\"", "")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|on|without|ignoring)\\s*\\([^)]*\\)", "");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b[a-z_][a-z0-9_]*\\b").matcher(bare);
        while (m.find()) {
            if (!PROMQL_WORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    static List<String> expressions() throws IOException {
        List<String> exprs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (var files = Files.list(RepoTree.path("deploy/monitoring/dashboards"))) {
            for (Path file : files.sorted().toList()) {
                for (JsonNode panel : json.readTree(file.toFile()).path("panels")) {
                    panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
                }
            }
        }
        for (JsonNode rule : Rendered.parse(RepoTree.read(RepoTree.path("deploy/monitoring/prometheus-rules.yaml"))).generic("PrometheusRule")) {
            rule.path("spec").path("groups").forEach(g -> g.path("rules").forEach(r -> exprs.add(r.path("expr").asText())));
        }
        return exprs;
    }

    @Test
    void everyQueriedMetricExists() throws IOException {
        Set<String> known = new TreeSet<>(serviceMetrics());
        known.addAll(PLATFORM_METRICS);
        Set<String> unknown = new TreeSet<>();
        for (String expr : expressions()) {
            metricsIn(expr).stream().filter(name -> !known.contains(name)).forEach(unknown::add);
        }
        assertEquals(Set.of(), unknown);
    }

    @Test
    void theAlertsAndPanelsCoverWhatAnOperatorActsOn() throws IOException {
        Set<String> used = new TreeSet<>();
        expressions().forEach(e -> used.addAll(metricsIn(e)));
        for (String metric : List.of("outbox_relay_failures_total", "outbox_published_total", "callback_dead_letters_total",
                "kafka_consumergroup_lag", "kube_pod_container_status_ready", "report_ledger_invariant_violations",
                "callback_pending_items", "http_server_requests_seconds_count", "outbox_backlog", "http_server_requests_seconds_bucket")) {
            assertTrue(used.contains(metric), metric + " is neither charted nor alerted on");
        }
    }

    @Test
    void theServicesMetersAreFoundAndAnInventedNameIsNot() {
        Set<String> metrics = serviceMetrics();
        assertTrue(metrics.containsAll(Set.of("outbox_published_total", "outbox_backlog", "transfers_executed_total", "callback_pending_items",
                "callback_delivery_latency_seconds_count", "report_ledger_invariant_violations")), metrics::toString);
        // a name no service registers is not found: the check would reject a panel that charts it
        assertEquals(Set.of("outbox_rows_waiting"), metricsIn("sum by (service) (deriv(outbox_rows_waiting{namespace=\"$namespace\"}[15m])) > 0"));
        assertFalse(metrics.contains("outbox_rows_waiting"));
    }
}
