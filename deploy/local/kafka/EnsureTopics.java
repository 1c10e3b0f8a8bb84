import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the topics that are missing, in one JVM (one TopicCommand per topic costs a JVM start
 * each, ~1 s apiece on this machine). Run by deploy/local/infra as a single-file source program:
 *
 *   java -cp 'kafka-libs/*' EnsureTopics.java <bootstrap> <partitions> <topic>...
 *
 * Prints the name of each topic it created, one a line; an existing topic is left as it is, but a partition count
 * other than the asked one is reported (exit 2), since keys map to partitions.
 */
public class EnsureTopics {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int partitions = Integer.parseInt(args[1]);
        List<String> wanted = List.of(args).subList(2, args.length);
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = wanted.stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1))
                    .collect(Collectors.toList());
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                // Another run created one at the same time: fine, checked below.
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                    throw e;
                }
            }
            missing.forEach(t -> System.out.println(t.name()));
            Map<String, TopicDescription> described = describe(admin, wanted);
            boolean mismatch = false;
            for (TopicDescription d : described.values()) {
                if (d.partitions().size() != partitions) {
                    System.err.printf("topic %s has %d partitions, not %d%n",
                            d.name(), d.partitions().size(), partitions);
                    mismatch = true;
                }
            }
            if (mismatch) {
                System.exit(2);
            }
        }
    }

    /**
     * Topics just created may not be in the broker's metadata yet (UnknownTopicOrPartitionException, seen on a
     * fresh broker of a CI run): asked again for up to 30 s.
     */
    static Map<String, TopicDescription> describe(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
