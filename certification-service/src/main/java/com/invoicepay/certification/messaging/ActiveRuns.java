package com.invoicepay.certification.messaging;

import com.invoicepay.certification.persistence.CertificationRun;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The SELECTED runs by sandbox client, client system and version, in memory: the api-activity judge drops
 * the traffic of versions no run judges with one read of {@code run_generation} per poll. A change of a
 * run's status or selection bumps that generation in its own transaction (trigger, V21), so on every
 * replica a record polled after a selection committed finds its run. The index only filters: the judge
 * reads the runs it keeps again in its transaction, so a run approved or cancelled since is not judged.
 */
@ApplicationScoped
public class ActiveRuns {
    /** What an api-activity record's envelope names. */
    public record Version(String clientId, String clientSystemName, String clientVersion) {
    }

    private record Index(long generation, Map<Version, Set<UUID>> runs) {
    }

    private volatile Index index = new Index(-1, Map.of());

    /** The runs of each version as of now, reloaded through {@code sql} when a run changed since the last load. */
    public Uni<Map<Version, Set<UUID>>> current(SqlClient sql) {
        return sql.query("select generation from run_generation").execute().chain(rows -> {
            long generation = rows.iterator().next().getLong(0);
            Index known = index;
            if (known.generation() == generation) {
                return Uni.createFrom().item(known.runs());
            }
            // read after the generation: at least as new as it, so keeping it under that generation never hides a run
            return sql.preparedQuery("select id, sandbox_client_id, client_system_name, client_version from certification_run where status = $1")
                    .execute(Tuple.of(CertificationRun.SELECTED))
                    .map(runs -> {
                        Map<Version, Set<UUID>> byVersion = new HashMap<>();
                        for (Row r : runs) {
                            byVersion.computeIfAbsent(new Version(r.getString("sandbox_client_id"), r.getString("client_system_name"),
                                    r.getString("client_version")), v -> new java.util.HashSet<>()).add(r.getUUID("id"));
                        }
                        Map<Version, Set<UUID>> frozen = byVersion.entrySet().stream()
                                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
                        index = new Index(generation, frozen);
                        return frozen;
                    });
        });
    }
}
