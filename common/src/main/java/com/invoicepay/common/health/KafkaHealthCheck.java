package com.invoicepay.common.health;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kafka in its own health group ({@code /q/health/group/kafka}), not in readiness: an API that
 * writes to an outbox keeps serving through a broker outage, and the outbox catches up after it.
 */
@HealthGroup("kafka")
@ApplicationScoped
public class KafkaHealthCheck implements AsyncHealthCheck {
    private static final int TIMEOUT_MS = 3_000;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private volatile AdminClient admin;

    @Override
    public Uni<HealthCheckResponse> call() {
        // describeCluster blocks on the network: keep it off the event loop
        return Uni.createFrom().item(this::probe).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private HealthCheckResponse probe() {
        var builder = HealthCheckResponse.named("Kafka broker");
        try {
            var cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS));
            int nodes = cluster.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            return builder.up().withData("nodes", nodes).withData("bootstrap", bootstrap()).build();
        } catch (Exception e) {
            return builder.down().withData("bootstrap", bootstrap()).withData("error", e.getClass().getSimpleName()).build();
        }
    }

    private synchronized AdminClient admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "health-check");
            admin = AdminClient.create(config);
        }
        return admin;
    }

    private String bootstrap() {
        Object servers = kafkaConfig.get("bootstrap.servers");
        return servers == null ? "127.0.0.1:9092" : servers.toString();
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
