import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownMemberIdException;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * What the parts of bench/run share: the table of figures (figure, measured, baseline of the same run,
 * ratio, target, met), a service's CPU time and resident memory from /proc, a user's token from the
 * realm, and bench topics prepared before a bench instance starts. A plain class on the parts' classpath
 * (compiled by bench/run and bench/certification), since each part is a single-file program.
 */
public final class BenchSupport {
    public static final String[] HEADER = {"figure", "measured", "baseline (same run)", "ratio", "target", "met"};
    static final String KEYCLOAK_TOKEN = "http://127.0.0.1:8180/realms/payments/protocol/openid-connect/token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final List<String[]> rows = new ArrayList<>();

    /** A user's access token through the password grant of a realm client whose secret is {@code <client>-secret}. */
    public static String token(String client, String user, String password, String scope) throws IOException, InterruptedException {
        String form = Map.of("grant_type", "password", "client_id", client, "client_secret", client + "-secret",
                        "username", user, "password", password, "scope", scope).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(KEYCLOAK_TOKEN))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).get("access_token").asText();
    }

    /**
     * The topics exist (6 partitions) and {@code group} starts at the end of {@code consumed}, so leftovers of
     * an earlier run are ignored.
     */
    public static void prepareTopics(String bootstrap, List<String> topics, List<String> consumed, String group) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t)).map(t -> new NewTopic(t, 6, (short) 1)).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(consumed).allTopicNames().get().forEach((topic, description) ->
                    description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((p, info) -> ends.put(p, new OffsetAndMetadata(info.offset())));
            // a bench instance stopped seconds ago may still be a member until its session times out (45 s)
            for (long deadline = System.currentTimeMillis() + 60_000; ; Thread.sleep(1_000)) {
                try {
                    admin.alterConsumerGroupOffsets(group, ends).all().get();
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownMemberIdException) || System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                }
            }
        }
    }

    public BenchSupport row(String figure, String measured, String baseline, String ratio, String target, Boolean met) {
        rows.add(new String[]{figure, measured, baseline, ratio, target, met == null ? "" : met ? "yes" : "NO"});
        return this;
    }

    /** The rows under {@link #HEADER}, as a Markdown table with aligned columns. */
    public void print(String title) {
        List<String[]> all = new ArrayList<>(List.<String[]>of(HEADER));
        all.addAll(rows);
        int[] width = new int[HEADER.length];
        all.forEach(r -> {
            for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        });
        System.out.println();
        System.out.println(title);
        for (String[] r : all) {
            StringBuilder line = new StringBuilder("| ");
            for (int i = 0; i < r.length; i++) line.append(String.format("%-" + width[i] + "s | ", r[i]));
            System.out.println(line.toString().stripTrailing());
        }
    }

    public static String fmt(double v) {
        return String.format("%.0f", v);
    }

    public static String ratio(double measured, double baseline) {
        return baseline == 0 ? "" : String.format("%.2f", measured / baseline);
    }

    /** Resets the process's peak resident memory (VmHWM), so a phase's peak is its own; false where not allowed. */
    public static boolean resetPeak(long pid) {
        try {
            Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The process's peak resident memory (VmHWM) in kB. */
    public static long peakKb(long pid) throws IOException {
        return rssKb(pid)[1];
    }

    /** The process's resident memory now (VmRSS) and at its peak (VmHWM), in kB. */
    public static long[] rssKb(long pid) throws IOException {
        long now = 0, peak = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) now = Long.parseLong(line.replaceAll("\\D", ""));
            if (line.startsWith("VmHWM:")) peak = Long.parseLong(line.replaceAll("\\D", ""));
        }
        return new long[]{now, peak};
    }

    /** User + system CPU the process has used, in ms, from /proc/<pid>/stat (fields 14 and 15, in ticks of 10 ms). */
    public static double cpuMillis(long pid) throws IOException {
        return statMillis(pid)[0];
    }

    /** The process's own CPU in ms, and that of the children it has waited for (fields 16 and 17), from one read. */
    private static double[] statMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new double[]{(Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0,
                (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 10.0};
    }

    /**
     * Where the machine's CPU went, in ms used so far: all of it (every core's time but idle and iowait), PostgreSQL
     * (its processes and the backends it has reaped, so a closed connection's CPU still counts), this JVM (the bench's
     * client), the children it has waited for (pgbench), and the service and the broker by their PIDs. Two samples'
     * {@link #minus difference} over a phase shows what one request cost each part, and what the rest of the machine
     * (the stack's idle services, the kernel's loopback networking) took meanwhile.
     */
    public record MachineCpu(double busy, double postgres, double benchClient, double benchChildren, double service, double kafka,
                             double serviceJit) {
        public static MachineCpu sample(long servicePid, long kafkaPid) throws IOException {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+"); // "cpu user nice system idle iowait ..."
            double busy = 0;
            for (int i = 1; i < cpu.length && i <= 8; i++) { // user..steal; guest time is already inside user
                busy += i == 4 || i == 5 ? 0 : Long.parseLong(cpu[i]) * 10.0;
            }
            double postgres = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        if (Files.readString(proc.resolve("comm")).startsWith("postgres")) {
                            double[] own = statMillis(Long.parseLong(proc.getFileName().toString()));
                            postgres += own[0] + own[1];
                        }
                    } catch (IOException gone) {
                        // ended between the listing and the read: its parent has reaped it, and counts it
                    }
                }
            }
            double[] self = statMillis(ProcessHandle.current().pid());
            return new MachineCpu(busy, postgres, self[0], self[1], cpuMillis(servicePid), cpuMillis(kafkaPid), jitMillis(servicePid));
        }

        /**
         * CPU of the process's JIT compiler threads so far (part of its total): with C2 alone, code still being compiled
         * during a measured phase shows here. A compiler thread that ended took its time with it, so it is a lower bound.
         */
        private static double jitMillis(long pid) throws IOException {
            double jit = 0;
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        if (Files.readString(task.resolve("comm")).matches("C[12] CompilerThre.*\\s*")) {
                            String stat = Files.readString(task.resolve("stat"));
                            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            jit += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
                        }
                    } catch (IOException gone) {
                        // the thread ended between the listing and the read
                    }
                }
            }
            return jit;
        }

        /** This sample less an earlier one, divided by {@code per} (the requests or transactions between them). */
        public MachineCpu minus(MachineCpu earlier, double per) {
            return new MachineCpu((busy - earlier.busy) / per, (postgres - earlier.postgres) / per, (benchClient - earlier.benchClient) / per,
                    (benchChildren - earlier.benchChildren) / per, (service - earlier.service) / per, (kafka - earlier.kafka) / per,
                    (serviceJit - earlier.serviceJit) / per);
        }

        /** What neither the parts named took. */
        public double rest() {
            return busy - postgres - benchClient - benchChildren - service - kafka;
        }
    }
}
