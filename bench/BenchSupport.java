import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the parts of bench/run share: the table of figures (figure, measured, baseline of the same run,
 * ratio, target, met), a service's resident memory from /proc, and bench topics prepared before a bench
 * instance starts. A plain class on the parts' classpath (compiled by the part's script), since each part
 * is a single-file program; bench/certification uses it so far.
 */
public final class BenchSupport {
    public static final String[] HEADER = {"figure", "measured", "baseline (same run)", "ratio", "target", "met"};
    private final List<String[]> rows = new ArrayList<>();

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
            admin.alterConsumerGroupOffsets(group, ends).all().get();
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
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0);
    }
}
