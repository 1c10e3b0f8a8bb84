package com.invoicepay.callback.delivery;

import com.invoicepay.common.tracing.TraceContexts;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import com.invoicepay.common.outbox.Outbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.invoicepay.callback.CallbackErrors;
import com.invoicepay.callback.config.CallbackConfig;
import com.invoicepay.callback.registration.Endpoints;
import com.invoicepay.callback.security.CallbackUrls;
import com.invoicepay.callback.security.WebhookSignature;
import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.CallbackEvent;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.web.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static com.invoicepay.callback.registration.Endpoints.at;

/**
 * Flush and delivery. A pass claims merchants with due work ({@code FOR UPDATE SKIP LOCKED} on
 * {@code merchant_delivery}, then a lease so the claim survives its short transaction), puts all their
 * unassigned items into the merchant's open batch (a failing batch keeps growing, so each attempt
 * carries everything pending, sorted by date then sequence), POSTs it signed, and records the attempt
 * with its outcome: delivered, failed with the next attempt scheduled by {@code callback.retry-schedule}
 * on the (sandbox) clock, or dead-lettered after the last. A crash between claim and outcome leaves
 * the lease to expire; the batch then goes again with the same webhook-id.
 * <p>
 * Blocking API (awaits the database): call it from worker threads only.
 */
@ApplicationScoped
public class Deliveries {
    private static final Logger LOG = Logger.getLogger(Deliveries.class);
    private static final Duration AWAIT = Duration.ofSeconds(60);
    /** Long digit runs (phone numbers, card numbers) in a receiver's answer are masked before storing. */
    private static final Pattern DIGITS = Pattern.compile("\\+?\\d[\\d \\-]{6,}\\d");

    public record Claim(UUID merchantId, UUID batchId) {
    }

    public record PassOutcome(int delivered, int failed, int deadLettered) {
        public static final PassOutcome NONE = new PassOutcome(0, 0, 0);

        PassOutcome plus(PassOutcome o) {
            return new PassOutcome(delivered + o.delivered, failed + o.failed, deadLettered + o.deadLettered);
        }
    }

    /** A batch ready to go: its body and where it goes (or why it cannot). */
    record Prepared(Claim claim, String url, CallbackUrls.Target target, Map<String, String> headers, String body,
                    List<Instant> itemDates, int attempt, String refusal, List<String> itemTraces) {
    }

    private final Pool pool;
    private final Endpoints endpoints;
    private final CallbackUrls urls;
    private final CallbackSender sender;
    private final Outbox outbox;
    private final Clock clock;
    private final CallbackConfig config;
    private final PlatformConfig platform;
    private final MeterRegistry metrics;
    private final Tracer tracer;
    private final AtomicLong pendingGauge = new AtomicLong();
    private final java.util.concurrent.ExecutorService workers;
    private final Timer latency;

    public Deliveries(Pool pool, Endpoints endpoints, CallbackUrls urls, CallbackSender sender, Outbox outbox,
                      Clock clock, CallbackConfig config, PlatformConfig platform, MeterRegistry metrics, Tracer tracer) {
        this.pool = pool;
        this.tracer = tracer;
        this.endpoints = endpoints;
        this.urls = urls;
        this.sender = sender;
        this.outbox = outbox;
        this.clock = clock;
        this.config = config;
        this.platform = platform;
        this.metrics = metrics;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.workers = java.util.concurrent.Executors.newFixedThreadPool(config.deliveryConcurrency(), r -> {
            Thread t = new Thread(r, "callback-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        metrics.gauge("callback_pending_items", pendingGauge);
        this.latency = Timer.builder("callback_delivery_latency")
                .description("from an item's status date to the 2xx that delivered it")
                .publishPercentiles(0.5, 0.99).register(metrics);
    }

    // ---- the pass ----------------------------------------------------------------------------------

    /** Claims, delivers and records until a pass finds nothing due. */
    public PassOutcome flushAll() {
        PassOutcome total = PassOutcome.NONE;
        for (int i = 0; i < 1000; i++) {
            List<Claim> claims = claim();
            if (claims.isEmpty()) {
                break;
            }
            total = total.plus(deliver(claims));
        }
        refreshPendingGauge();
        return total;
    }

    /**
     * One statement per pass, whatever the number of merchants: lock the due merchants' delivery
     * rows (skipping those another replica holds), the longest-waiting first (a retry by its due time,
     * new work by its oldest item: a pass that needs several rounds serves them in the first), open a
     * batch for each that has none, put their unassigned items into it up to the size limit (oldest
     * first), and lease them.
     */
    List<Claim> claim() {
        Instant now = clock.instant();
        OffsetDateTime lease = at(now.plus(config.deliveryTimeout()).plusSeconds(30));
        return pool.withTransaction(c -> c.preparedQuery("""
                                with claimed as (
                                  select d.merchant_id, d.open_batch_id from merchant_delivery d
                                  where exists (select 1 from callback_endpoint e where e.merchant_id = d.merchant_id)
                                    and (d.lease_until is null or d.lease_until <= $1)
                                    and ((d.open_batch_id is not null and d.next_attempt_at <= $1)
                                      or (d.open_batch_id is null and exists (select 1 from pending_item p
                                            where p.merchant_id = d.merchant_id and p.batch_id is null)))
                                  order by coalesce(case when d.open_batch_id is not null then d.next_attempt_at end,
                                             (select q.status_date from pending_item q where q.merchant_id = d.merchant_id
                                              and q.batch_id is null order by q.status_date limit 1)), d.merchant_id
                                  limit $2
                                  for update of d skip locked),
                                assigned as materialized (
                                  select merchant_id, coalesce(open_batch_id, gen_random_uuid()) as batch_id,
                                         open_batch_id is null as opened from claimed),
                                opened as (
                                  insert into callback_batch (id, merchant_id, state, attempts, created_at, next_attempt_at)
                                  select batch_id, merchant_id, 'Pending', 0, $1, $1 from assigned where opened),
                                taken as (
                                  update pending_item p set batch_id = t.batch_id
                                  from (select a.batch_id, x.id from assigned a cross join lateral (
                                          select q.id from pending_item q where q.merchant_id = a.merchant_id and q.batch_id is null
                                          order by q.status_date, q.sequence, q.id
                                          limit greatest(0, $3 - (select count(*) from pending_item b where b.batch_id = a.batch_id))) x) t
                                  where p.id = t.id),
                                leased as (
                                  update merchant_delivery d set open_batch_id = a.batch_id,
                                    next_attempt_at = coalesce(d.next_attempt_at, $1), lease_until = $4
                                  from assigned a where d.merchant_id = a.merchant_id)
                                select merchant_id, batch_id from assigned""")
                        .execute(Tuple.of(at(now), config.merchantsPerPass(), config.batchSizeLimit(), lease))
                        .map(rows -> {
                            List<Claim> claims = new ArrayList<>();
                            for (Row row : rows) {
                                claims.add(new Claim(row.getUUID("merchant_id"), row.getUUID("batch_id")));
                            }
                            return claims;
                        }))
                .await().atMost(AWAIT);
    }

    /**
     * A pass's batches are prepared together (three statements) and sent concurrently on the delivery
     * workers; their outcomes are recorded in waves as the sends complete: each wave is everything that
     * completed while the previous wave was being written, in one transaction. So a slow receiver
     * holds back only its own outcome, and a busy pass needs a handful of round trips, not about ten
     * per batch. A crash between sending and recording leaves the leases to expire; those batches then
     * go again with the same webhook-ids.
     */
    PassOutcome deliver(List<Claim> claims) {
        List<Prepared> prepared = prepareAll(claims);
        BlockingQueue<Optional<Sent>> completed = new LinkedBlockingQueue<>();
        for (Prepared p : prepared) {
            CompletableFuture.supplyAsync(() -> send(p), workers).whenComplete((sent, error) -> {
                if (error != null) {
                    LOG.errorf("callback batch %s of merchant %s: the send failed unexpectedly: %s", p.claim().batchId(),
                            p.claim().merchantId(), error.toString());
                }
                completed.add(Optional.ofNullable(sent)); // empty: not recorded, the lease expires
            });
        }
        PassOutcome outcome = PassOutcome.NONE;
        RuntimeException failure = null;
        for (int remaining = prepared.size(); remaining > 0; ) {
            List<Optional<Sent>> wave = new ArrayList<>();
            try {
                wave.add(completed.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while callbacks were in flight; their leases expire", e);
            }
            completed.drainTo(wave);
            remaining -= wave.size();
            List<Sent> sent = wave.stream().flatMap(Optional::stream).toList();
            try {
                outcome = outcome.plus(recordAll(sent));
            } catch (RuntimeException e) {
                // recording failed (database away): the leases expire and the batches go again, same webhook-ids
                failure = failure != null ? failure : new IllegalStateException("callback outcomes were not recorded", e);
            }
            outbox.nudge();
        }
        if (failure != null) {
            throw failure;
        }
        return outcome;
    }

    /** A batch after its attempt: what was sent, what came back, when, and the attempt's trace. */
    record Sent(Prepared prepared, CallbackSender.Result result, Instant at, String traceParent) {
    }

    private Sent send(Prepared p) {
        // a batch is an aggregate: each attempt is a trace of its own, linked to the events of the items it carries,
        // and the receiver gets its traceparent
        SpanBuilder builder = tracer.spanBuilder("callback delivery").setNoParent().setSpanKind(SpanKind.CLIENT)
                .setAttribute("callback.batch_id", p.claim().batchId().toString()).setAttribute("callback.attempt", p.attempt())
                .setAttribute("callback.items", p.itemDates().size());
        TraceContexts.links(p.itemTraces()).forEach(builder::addLink);
        Span span = builder.startSpan();
        String traceParent = TraceContexts.of(Context.root().with(span));
        try {
            Map<String, String> headers = new LinkedHashMap<>(p.headers());
            if (traceParent != null) {
                headers.put(TraceContexts.TRACEPARENT, traceParent);
            }
            CallbackSender.Result result = p.refusal() != null
                    ? new CallbackSender.Result(null, null, p.refusal(), 0)
                    : sender.post(p.target(), headers, p.body()).join();
            if (!result.delivered()) {
                span.setStatus(StatusCode.ERROR, result.error() != null ? result.error() : "HTTP " + result.statusCode());
            }
            return new Sent(p, result, clock.instant(), traceParent);
        } finally {
            span.end();
        }
    }

    void stop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent shutdown) {
        workers.shutdown();
    }

    /**
     * The claimed batches' items, attempt counts and their merchants' credentials, in three statements
     * on one connection. A batch that cannot be prepared (e.g. a credential sealed under a key no longer
     * configured) becomes a failed attempt of its own, not a stuck pass.
     */
    private List<Prepared> prepareAll(List<Claim> claims) {
        record Loaded(Map<UUID, Supplier<Endpoints.Credentials>> credentials, Map<UUID, List<Row>> items,
                      Map<UUID, Integer> attempts) {
        }
        UUID[] batches = claims.stream().map(Claim::batchId).toArray(UUID[]::new);
        Loaded loaded = pool.withConnection(c -> endpoints.credentials(c, claims.stream().map(Claim::merchantId).distinct().toList())
                        .chain(credentials -> c.preparedQuery("""
                                        select * from pending_item where batch_id = any($1) order by batch_id, status_date, sequence, id""")
                                .execute(Tuple.of((Object) batches))
                                .chain(items -> c.preparedQuery("select id, attempts from callback_batch where id = any($1)")
                                        .execute(Tuple.of((Object) batches))
                                        .map(attempts -> {
                                            Map<UUID, List<Row>> itemsOf = new HashMap<>();
                                            items.forEach(row -> itemsOf.computeIfAbsent(row.getUUID("batch_id"), b -> new ArrayList<>()).add(row));
                                            Map<UUID, Integer> attemptsOf = new HashMap<>();
                                            attempts.forEach(row -> attemptsOf.put(row.getUUID("id"), row.getInteger("attempts")));
                                            return new Loaded(credentials, itemsOf, attemptsOf);
                                        }))))
                .await().atMost(AWAIT);
        List<Prepared> prepared = new ArrayList<>();
        for (Claim claim : claims) {
            prepared.add(prepare(claim, loaded.items().getOrDefault(claim.batchId(), List.of()),
                    loaded.attempts().getOrDefault(claim.batchId(), 0) + 1, loaded.credentials().get(claim.merchantId())));
        }
        return prepared;
    }

    private Prepared prepare(Claim claim, List<Row> items, int attempt, Supplier<Endpoints.Credentials> sealed) {
        ArrayNode body = EventJson.MAPPER.createArrayNode();
        List<Instant> dates = new ArrayList<>();
        List<String> traces = new ArrayList<>();
        for (Row row : items) {
            body.add(item(row));
            dates.add(row.getOffsetDateTime("status_date").toInstant());
            traces.add(row.getString("trace_parent"));
        }
        Endpoints.Credentials credentials;
        try {
            credentials = sealed.get();
        } catch (RuntimeException e) {
            LOG.errorf("callback batch %s of merchant %s cannot be prepared: %s", claim.batchId(), claim.merchantId(),
                    e.getClass().getSimpleName());
            return new Prepared(claim, "", null, Map.of(), body.toString(), dates, attempt,
                    "cannot prepare the request: " + e.getClass().getSimpleName(), traces);
        }
        Endpoints.Endpoint endpoint = credentials.endpoint().orElse(null);
        if (endpoint == null) {
            return new Prepared(claim, "", null, Map.of(), body.toString(), dates, attempt, "no callback endpoint registered", traces);
        }
        CallbackUrls.Target target;
        try {
            target = urls.check(endpoint.url()); // again, on the address we connect to
        } catch (ApiException refused) {
            return new Prepared(claim, endpoint.url(), null, Map.of(), body.toString(), dates, attempt,
                    "refused: " + refused.description(), traces);
        }
        String json = body.toString();
        return new Prepared(claim, endpoint.url(), target, headers(endpoint, credentials.signingSecrets(), claim.batchId(), json), json,
                dates, attempt, null, traces);
    }

    static ObjectNode item(Row row) {
        ObjectNode item = EventJson.MAPPER.createObjectNode()
                .put("invoiceId", row.getUUID("invoice_id").toString())
                .put("status", row.getString("status"))
                .put("date", row.getOffsetDateTime("status_date").toInstant().toString())
                .put("sequence", row.getLong("sequence"));
        if (row.getLocalDate("payment_date") != null) {
            item.put("paymentDate", row.getLocalDate("payment_date").toString());
        }
        if (row.getString("error_code") != null) {
            item.put("errorCode", row.getString("error_code"));
        }
        if (row.getString("error_message") != null) {
            item.put("errorMessage", row.getString("error_message"));
        }
        if (row.getString("links") != null) {
            try {
                item.set("links", EventJson.MAPPER.readTree(row.getString("links")));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("stored links are not JSON", e);
            }
        }
        return item;
    }

    /**
     * Authorization (Basic, or the API key as is) and the Standard Webhooks headers. The timestamp is
     * real time, not the sandbox clock: receivers compare it with their own clock.
     */
    static Map<String, String> headers(Endpoints.Endpoint endpoint, List<String> secrets, UUID webhookId, String body) {
        long timestamp = Instant.now().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", endpoint.authorization());
        headers.put("webhook-id", webhookId.toString());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", WebhookSignature.header(secrets, webhookId.toString(), timestamp, body));
        return headers;
    }

    /**
     * Every outcome of a wave in one transaction: the attempt rows, the batches' states, the merchants'
     * delivery rows (a delivered or dead-lettered batch closes, a failed one waits for its retry) and
     * a {@code callback-events} record per attempt, in two statements.
     */
    private PassOutcome recordAll(List<Sent> sent) {
        if (sent.isEmpty()) {
            return PassOutcome.NONE;
        }
        List<Duration> schedule = config.retrySchedule();
        ArrayNode rows = EventJson.MAPPER.createArrayNode();
        List<Outbox.Keyed> events = new ArrayList<>();
        int delivered = 0, failed = 0, deadLettered = 0;
        for (Sent s : sent) {
            Prepared p = s.prepared();
            CallbackSender.Result result = s.result();
            int attempt = p.attempt();
            boolean ok = result.delivered();
            boolean dead = !ok && attempt > schedule.size();
            Instant next = ok || dead ? null : s.at().plus(schedule.get(attempt - 1));
            String outcome = ok ? "delivered" : dead ? "dead_lettered" : "failed";
            String error = result.error() != null ? result.error() : ok ? null : "HTTP " + result.statusCode();
            ObjectNode row = rows.addObject()
                    .put("batch_id", p.claim().batchId().toString())
                    .put("merchant_id", p.claim().merchantId().toString())
                    .put("attempt", attempt)
                    .put("url", p.url())
                    .put("started_at", s.at().toString())
                    .put("status_code", result.statusCode())
                    .put("response_ms", result.millis())
                    .put("error", cut(result.error(), 500))
                    .put("response_body", mask(cut(result.body(), config.responseBodyLimit())))
                    .put("outcome", outcome)
                    .put("state", ok ? "Delivered" : dead ? "DeadLettered" : "Pending")
                    .put("next_attempt_at", next == null ? null : next.toString());
            row.put("closed", ok || dead);
            CallbackEvent event = new CallbackEvent(p.claim().batchId(), p.claim().batchId().toString(), attempt,
                    p.itemDates().size(), p.url(), result.statusCode(), error, result.millis(), next, null, null);
            String type = ok ? CallbackEvent.DELIVERED : dead ? CallbackEvent.DEAD_LETTERED : CallbackEvent.FAILED;
            UUID merchant = p.claim().merchantId();
            events.add(new Outbox.Keyed(merchant.toString(), envelope(type, merchant, event), s.traceParent()));
            if (ok) {
                delivered++;
                p.itemDates().forEach(d -> latency.record(Duration.between(d, s.at()).isNegative() ? Duration.ZERO : Duration.between(d, s.at())));
            } else {
                LOG.infof("callback batch %s of merchant %s attempt %d failed (%s)%s", p.claim().batchId(), merchant, attempt, error,
                        dead ? ", dead-lettered" : ", next attempt at " + next);
                if (dead) {
                    deadLettered++;
                } else {
                    failed++;
                }
            }
        }
        pool.withTransaction(c -> c.preparedQuery("""
                                with r as (
                                  select * from jsonb_to_recordset(cast(cast($1 as text) as jsonb)) as r(batch_id uuid, merchant_id uuid,
                                      attempt int, url text, started_at timestamptz, status_code int, response_ms bigint, error text,
                                      response_body text, outcome varchar, state varchar, next_attempt_at timestamptz, closed boolean)),
                                attempts as (
                                  insert into delivery_attempt (batch_id, attempt, url, started_at, status_code, response_ms, error,
                                                                response_body, outcome, next_attempt_at)
                                  select batch_id, attempt, url, started_at, status_code, response_ms, error, response_body, outcome,
                                         next_attempt_at from r),
                                batches as (
                                  update callback_batch b set attempts = r.attempt, state = r.state, next_attempt_at = r.next_attempt_at,
                                    delivered_at = case when r.state = 'Delivered' then r.started_at else b.delivered_at end,
                                    dead_lettered_at = case when r.state = 'DeadLettered' then r.started_at else b.dead_lettered_at end
                                  from r where b.id = r.batch_id)
                                update merchant_delivery d set
                                  open_batch_id = case when r.closed then null else d.open_batch_id end,
                                  next_attempt_at = r.next_attempt_at, lease_until = null
                                from r where d.merchant_id = r.merchant_id and d.open_batch_id = r.batch_id""")
                        .execute(Tuple.of(rows.toString()))
                        .chain(() -> outbox.addAll(c, Topics.CALLBACK_EVENTS, events)))
                .await().atMost(AWAIT);
        metrics.counter("callback_attempts", "outcome", "delivered").increment(delivered);
        metrics.counter("callback_attempts", "outcome", "failed").increment(failed);
        metrics.counter("callback_attempts", "outcome", "dead_lettered").increment(deadLettered);
        if (deadLettered > 0) {
            metrics.counter("callback_dead_letters").increment(deadLettered);
        }
        return new PassOutcome(delivered, failed, deadLettered);
    }

    private Uni<Void> insertAttempt(SqlConnection c, UUID batch, int attempt, String url, Instant now,
                                    CallbackSender.Result result, String outcome, Instant next) {
        return c.preparedQuery("""
                        insert into delivery_attempt (batch_id, attempt, url, started_at, status_code, response_ms, error,
                                                      response_body, outcome, next_attempt_at)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
                .execute(Tuple.tuple().addUUID(batch).addInteger(attempt).addString(url).addOffsetDateTime(at(now))
                        .addInteger(result.statusCode()).addLong(result.millis()).addString(cut(result.error(), 500))
                        .addString(mask(cut(result.body(), config.responseBodyLimit()))).addString(outcome)
                        .addOffsetDateTime(at(next)))
                .replaceWithVoid();
    }

    EventEnvelope envelope(String type, UUID merchant, CallbackEvent event) {
        return EventEnvelope.of(type, CallbackEvent.SCHEMA_VERSION, clock.instant(), platform.serviceName(), merchant,
                EventOrigin.NONE, event);
    }

    static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    static String mask(String value) {
        return value == null ? null : DIGITS.matcher(value).replaceAll("***");
    }

    void refreshPendingGauge() {
        pool.preparedQuery("""
                        select count(*) as n from pending_item p where p.batch_id is null
                           or exists (select 1 from callback_batch b where b.id = p.batch_id and b.state = 'Pending')""")
                .execute().map(rows -> rows.iterator().next().getLong("n"))
                .subscribe().with(pendingGauge::set, failure -> LOG.debugf("pending gauge: %s", failure));
    }

    // ---- redelivery and test callbacks ----------------------------------------------------------------

    /** A dead-lettered batch goes again (same webhook-id) at the next pass, unless another batch is open. */
    public void redeliver(UUID merchantId, UUID batchId) {
        Instant now = clock.instant();
        pool.withTransaction(c -> c.preparedQuery("insert into merchant_delivery (merchant_id) values ($1) on conflict do nothing")
                        .execute(Tuple.of(merchantId))
                        .chain(() -> c.preparedQuery("select open_batch_id from merchant_delivery where merchant_id = $1 for update")
                                .execute(Tuple.of(merchantId)))
                        .chain(delivery -> c.preparedQuery("select state from callback_batch where id = $1 and merchant_id = $2 and not test")
                                .execute(Tuple.of(batchId, merchantId))
                                .chain(batch -> {
                                    if (batch.size() == 0) {
                                        throw CallbackErrors.notFound(CallbackErrors.BATCH_NOT_FOUND, "No such callback batch.");
                                    }
                                    if (!"DeadLettered".equals(batch.iterator().next().getString("state"))) {
                                        throw CallbackErrors.conflict(CallbackErrors.BATCH_NOT_DEAD_LETTERED,
                                                "Only a dead-lettered batch can be redelivered.");
                                    }
                                    if (delivery.iterator().next().getUUID("open_batch_id") != null) {
                                        throw CallbackErrors.conflict(CallbackErrors.BATCH_NOT_DEAD_LETTERED,
                                                "Another batch of this merchant is being delivered; redeliver after it.");
                                    }
                                    return c.preparedQuery("""
                                                    update callback_batch set state = 'Pending', attempts = 0, next_attempt_at = $2,
                                                      dead_lettered_at = null where id = $1""")
                                            .execute(Tuple.of(batchId, at(now)))
                                            .chain(() -> c.preparedQuery("""
                                                            update merchant_delivery set open_batch_id = $2, next_attempt_at = $3, lease_until = null
                                                            where merchant_id = $1""")
                                                    .execute(Tuple.of(merchantId, batchId, at(now))))
                                            .chain(() -> outbox.add(c, Topics.CALLBACK_EVENTS, merchantId.toString(),
                                                    envelope(CallbackEvent.REDELIVERY_REQUESTED, merchantId, new CallbackEvent(batchId,
                                                            batchId.toString(), 0, 0, null, null, null, null, now, null, null))));
                                })))
                .await().atMost(AWAIT);
        outbox.nudge();
    }

    /**
     * Everything of a time range (by status date) that already went out (delivered or dead-lettered
     * batches) is queued again as new pending items: the next pass sends it, sorted, in a new batch.
     */
    public long replay(UUID merchantId, Instant from, Instant to) {
        if (from == null || to == null || !from.isBefore(to) || Duration.between(from, to).compareTo(Duration.ofDays(31)) > 0) {
            throw CallbackErrors.input(CallbackErrors.REPLAY_RANGE_INVALID,
                    "From and To are required, From before To, at most 31 days apart.");
        }
        Instant now = clock.instant();
        long queued = pool.withTransaction(c -> c.preparedQuery("""
                                insert into pending_item (event_id, merchant_id, invoice_id, status, status_date, sequence,
                                                          payment_date, error_code, error_message, links, received_at, trace_parent)
                                select gen_random_uuid(), p.merchant_id, p.invoice_id, p.status, p.status_date, p.sequence,
                                       p.payment_date, p.error_code, p.error_message, p.links, $4, p.trace_parent
                                from pending_item p join callback_batch b on b.id = p.batch_id
                                where p.merchant_id = $1 and p.status_date >= $2 and p.status_date < $3
                                  and b.state <> 'Pending' and not b.test""")
                        .execute(Tuple.of(merchantId, at(from), at(to), at(now)))
                        .call(() -> c.preparedQuery("insert into merchant_delivery (merchant_id) values ($1) on conflict do nothing")
                                .execute(Tuple.of(merchantId)))
                        .map(rows -> (long) rows.rowCount()))
                .await().atMost(AWAIT);
        LOG.infof("replay of %s to %s for merchant %s: %d items queued", from, to, merchantId, queued);
        return queued;
    }

    public record TestResult(UUID batchId, boolean delivered, Integer statusCode, String error) {
    }

    /** Sends one made-up item of {@code status} now, outside the merchant's queue, and records it. */
    public TestResult sendTest(UUID merchantId, String status) {
        return sendTest(merchantId, status, null);
    }

    public static final String COMMANDS_CONSUMER = "callback-commands";

    /**
     * A test callback asked for on {@code callback-commands}: skipped when that command was handled
     * before; otherwise sent, and its processed-events row is written with the outcome (at least once).
     */
    public Optional<TestResult> sendTestFor(UUID merchantId, String status, EventEnvelope command) {
        boolean seen = pool.preparedQuery("select 1 from processed_event where consumer = $1 and event_id = $2")
                .execute(Tuple.of(COMMANDS_CONSUMER, command.eventId())).await().atMost(AWAIT).size() > 0;
        if (seen) {
            return Optional.empty();
        }
        try {
            return Optional.of(sendTest(merchantId, status, command));
        } catch (ApiException noEndpoint) {
            pool.withTransaction(c -> markProcessed(c, command)
                            .chain(first -> !first ? Uni.createFrom().voidItem() : outbox.add(c, Topics.CALLBACK_EVENTS, merchantId.toString(),
                                    envelope(CallbackEvent.TEST_FAILED, merchantId, new CallbackEvent(null, null, 0, 0, null, null,
                                            noEndpoint.description(), null, null, status, command.eventId())))))
                    .await().atMost(AWAIT);
            outbox.nudge();
            return Optional.of(new TestResult(null, false, null, noEndpoint.description()));
        }
    }

    private Uni<Boolean> markProcessed(SqlConnection c, EventEnvelope command) {
        if (command == null) {
            return Uni.createFrom().item(true);
        }
        return c.preparedQuery("insert into processed_event (consumer, event_id, event_type, processed_at) values ($1, $2, $3, $4) on conflict do nothing")
                .execute(Tuple.of(COMMANDS_CONSUMER, command.eventId(), command.type(), at(clock.instant())))
                .map(rows -> rows.rowCount() == 1);
    }

    private TestResult sendTest(UUID merchantId, String status, EventEnvelope command) {
        Instant now = clock.instant();
        UUID batch = UUID.randomUUID();
        Endpoints.Credentials loaded = pool.withConnection(c -> endpoints.credentials(c, List.of(merchantId)))
                .await().atMost(AWAIT).get(merchantId).get();
        Endpoints.Endpoint endpoint = loaded.endpoint().orElseThrow(() -> CallbackErrors.conflict(CallbackErrors.NO_ENDPOINT,
                "No callback endpoint is registered: PUT auth/basic or auth/apikey first."));
        ObjectNode item = EventJson.MAPPER.createObjectNode()
                .put("invoiceId", UUID.randomUUID().toString())
                .put("status", status)
                .put("date", now.toString())
                .put("sequence", 0);
        if ("Invalid".equals(status)) {
            item.put("errorCode", "10008").put("errorMessage", "TotalAmount must be greater than 0 (test callback)");
        }
        String body = EventJson.MAPPER.createArrayNode().add(item).toString();
        CallbackSender.Result result;
        try {
            CallbackUrls.Target target = urls.check(endpoint.url());
            result = sender.post(target, headers(endpoint, loaded.signingSecrets(), batch, body), body).join();
        } catch (ApiException refused) {
            result = new CallbackSender.Result(null, null, "refused: " + refused.description(), 0);
        }
        CallbackSender.Result r = result;
        String outcome = r.delivered() ? "delivered" : "failed";
        String error = r.error() != null ? r.error() : r.delivered() ? null : "HTTP " + r.statusCode();
        pool.withTransaction(c -> markProcessed(c, command).chain(() -> c.preparedQuery("""
                                insert into callback_batch (id, merchant_id, state, attempts, test, created_at, delivered_at, dead_lettered_at)
                                values ($1, $2, $3, 1, true, $4, $5, $6)""")
                        .execute(Tuple.tuple().addUUID(batch).addUUID(merchantId).addString(r.delivered() ? "Delivered" : "DeadLettered")
                                .addOffsetDateTime(at(now)).addOffsetDateTime(r.delivered() ? at(now) : null)
                                .addOffsetDateTime(r.delivered() ? null : at(now)))
                        .chain(() -> insertAttempt(c, batch, 1, endpoint.url(), now, r, outcome, null))
                        .chain(() -> outbox.add(c, Topics.CALLBACK_EVENTS, merchantId.toString(),
                                envelope(r.delivered() ? CallbackEvent.TEST_DELIVERED : CallbackEvent.TEST_FAILED, merchantId,
                                        new CallbackEvent(batch, batch.toString(), 1, 1, endpoint.url(), r.statusCode(), error,
                                                r.millis(), null, status, command == null ? null : command.eventId()))))))
                .await().atMost(AWAIT);
        outbox.nudge();
        metrics.counter("callback_test_callbacks", "outcome", outcome).increment();
        return new TestResult(batch, r.delivered(), r.statusCode(), error);
    }
}
