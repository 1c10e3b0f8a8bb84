package com.invoicepay.certification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.invoicepay.certification.catalog.Catalog;
import com.invoicepay.certification.catalog.CatalogStore;
import com.invoicepay.certification.client.KeycloakClientRegistry;
import com.invoicepay.certification.client.SandboxTokenVerifier;
import com.invoicepay.certification.config.CertificationConfig;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.invoicepay.certification.service.CertificationErrors.*;

/** Steps 1 (identification) and 2 (selection) of a certification run. */
@ApplicationScoped
public class RunService {
    /** Major.Minor.Build, the form of X-Client-System-Version (common's ClientVersion). */
    static final Pattern VERSION = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");
    static final Pattern SYSTEM_NAME = Pattern.compile("[\\p{L}\\p{N} ._-]{1,100}");
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public record Identification(String integratorId, String sandboxClientId, String productionClientId,
                                 String clientSystemName, String clientVersion, String accessToken) {
    }

    public record RunWithCases(CertificationRun run, List<RunCase> cases, List<CaseEvidence> evidence) {
    }

    private final CatalogStore catalogs;
    private final SandboxTokenVerifier tokens;
    private final KeycloakClientRegistry registry;
    private final CertificationConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public RunService(CatalogStore catalogs, SandboxTokenVerifier tokens, KeycloakClientRegistry registry,
                      CertificationConfig config, ObjectMapper json, Clock clock) {
        this.catalogs = catalogs;
        this.tokens = tokens;
        this.registry = registry;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Step 1. Checks in this order, each refusal naming its field: the fields' presence and form; the
     * token (valid, issued to sandboxClientId, of integratorId, a sandbox client's); the production
     * client (exists, is a production client, of the same integrator). Then stores the run.
     * Called outside a transaction: Keycloak is asked before the database is touched.
     */
    public Uni<CertificationRun> identify(Identification in) {
        if (in == null) {
            throw input(FIELD_REQUIRED, "A body with integratorId, sandboxClientId, productionClientId, clientSystemName, clientVersion and accessToken is required.");
        }
        String integratorId = id("integratorId", in.integratorId());
        String sandboxClientId = id("sandboxClientId", in.sandboxClientId());
        String productionClientId = id("productionClientId", in.productionClientId());
        String systemName = required("clientSystemName", in.clientSystemName());
        if (!SYSTEM_NAME.matcher(systemName).matches()) {
            throw input(FIELD_INVALID, "clientSystemName must be 1 to 100 letters, digits, spaces, '.', '_' or '-', as sent in X-Client-System-Name.");
        }
        String version = required("clientVersion", in.clientVersion());
        Matcher v = VERSION.matcher(version);
        if (!v.matches()) {
            throw input(VERSION_MALFORMED, "clientVersion '" + printable(version) + "' is not of the form Major.Minor.Build, e.g. 1.4.12.");
        }
        String accessToken = required("accessToken", in.accessToken());
        return tokens.verify(accessToken).chain(verified -> {
            JsonWebToken token = verified.orElseThrow(() -> input(TOKEN_INVALID,
                    "accessToken is not a valid, unexpired access token of the sandbox (signature, issuer or expiry)."));
            if (!"Bearer".equals(claim(token, "typ"))) { // Keycloak's ID and refresh tokens are signed alike
                throw input(TOKEN_INVALID, "accessToken is a token of type '" + claim(token, "typ") + "', not an access token.");
            }
            if (!sandboxClientId.equals(claim(token, "azp"))) {
                throw input(TOKEN_NOT_SANDBOX_CLIENTS, "accessToken was not issued to sandboxClientId '" + sandboxClientId + "'.");
            }
            if (!integratorId.equals(claim(token, "integrator_id"))) {
                throw input(TOKEN_OTHER_INTEGRATOR, "accessToken does not belong to integratorId '" + integratorId + "'.");
            }
            if (!"sandbox".equals(claim(token, "environment"))) {
                throw input(TOKEN_NOT_SANDBOX, "sandboxClientId '" + sandboxClientId + "' is not a sandbox client (its accessToken says environment '" + claim(token, "environment") + "').");
            }
            return registry.find(productionClientId);
        }).map(found -> {
            var production = found.orElseThrow(() -> input(PRODUCTION_CLIENT_UNKNOWN, "productionClientId '" + productionClientId + "' is not a registered client."));
            if (!"production".equals(production.environment())) {
                throw input(PRODUCTION_CLIENT_NOT_PRODUCTION, "productionClientId '" + productionClientId + "' is not a production client.");
            }
            if (!integratorId.equals(production.integratorId())) {
                throw input(PRODUCTION_CLIENT_OTHER_INTEGRATOR, "productionClientId '" + productionClientId + "' belongs to another integrator than integratorId '" + integratorId + "'.");
            }
            CertificationRun run = new CertificationRun();
            run.id = UUID.randomUUID();
            run.integratorId = integratorId;
            run.sandboxClientId = sandboxClientId;
            run.productionClientId = productionClientId;
            run.clientSystemName = systemName;
            run.clientVersion = version;
            run.majorMinor = v.group(1) + "." + v.group(2);
            run.status = CertificationRun.IDENTIFIED;
            run.catalogVersion = catalogs.catalog().version();
            run.amount = randomAmount();
            run.currency = config.values().currency();
            String hex = randomHex(2);
            run.paymentReference = config.values().referencePrefix() + hex;
            run.invoiceNumber = config.values().referencePrefix() + "INV-" + hex + randomHex(2);
            run.createdAt = clock.instant();
            return run;
        }).chain(run -> Panache.withTransaction(run::persist).replaceWith(run));
    }

    /** Step 2: the features (mandatory ones forced in, catalog order), and the run's cases with its values. */
    public Uni<RunWithCases> select(CertificationRun run, List<String> wanted) {
        if (wanted == null) {
            throw input(FIELD_REQUIRED, "features is required: a list of feature ids of the catalog.");
        }
        if (!CertificationRun.IDENTIFIED.equals(run.status) && !CertificationRun.SELECTED.equals(run.status)) {
            throw new ApiException(409, ErrorKind.DomainError, RUN_STATE_CONFLICT,
                    "The run is " + run.status + "; its features can no longer be changed.");
        }
        Catalog catalog = catalogs.catalog();
        Set<String> chosen = new LinkedHashSet<>(catalog.mandatory());
        for (int i = 0; i < wanted.size(); i++) {
            String id = wanted.get(i);
            int index = i;
            if (id == null || id.isBlank()) {
                throw input(FIELD_REQUIRED, "features[" + i + "] is empty.");
            }
            Catalog.Feature feature = catalog.feature(id.trim()).orElseThrow(() -> input(FEATURE_UNKNOWN,
                    "features[" + index + "] '" + printable(id) + "' is not a feature of catalog " + catalog.version()
                            + "; known: " + String.join(", ", catalog.features().stream().map(Catalog.Feature::id).toList()) + "."));
            chosen.add(feature.id());
        }
        List<Catalog.Feature> selected = catalog.features().stream().filter(f -> chosen.contains(f.id())).toList();
        Map<String, String> values = valuesOf(run);
        List<RunCase> cases = new ArrayList<>();
        for (Catalog.Feature feature : selected) {
            for (Catalog.Case c : feature.cases()) {
                RunCase rc = new RunCase();
                rc.key = new RunCase.Key(run.id, cases.size());
                rc.caseId = c.id();
                rc.feature = feature.id();
                rc.title = c.title();
                rc.checklist = c.checklist();
                rc.instruction = fill(c.instruction(), values);
                ArrayNode assertions = json.createArrayNode();
                c.assertions().forEach(a -> assertions.add(fill(a.deepCopy(), values)));
                rc.assertions = assertions.toString();
                rc.status = RunCase.PENDING;
                cases.add(rc);
            }
        }
        run.features = String.join(",", selected.stream().map(Catalog.Feature::id).toList());
        run.status = CertificationRun.SELECTED;
        run.selectedAt = clock.instant();
        return RunCase.deleteOfRun(run.id)
                .chain(() -> Panache.getSession()).chain(session -> session.flush()) // old cases gone before the new ones go in
                .chain(() -> RunCase.persist(cases))
                .replaceWith(new RunWithCases(run, cases, List.of()));
    }

    public Uni<CertificationRun> find(UUID id) {
        return CertificationRun.<CertificationRun>findById(id)
                .onItem().ifNull().failWith(() -> new ApiException(404, ErrorKind.InputError, RUN_NOT_FOUND, "Certification run " + id + " was not found."));
    }

    /** The run, its row locked until the transaction ends: two approvals of one run take turns, the second sees APPROVED. */
    public Uni<CertificationRun> findLocked(UUID id) {
        return CertificationRun.<CertificationRun>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .onItem().ifNull().failWith(() -> new ApiException(404, ErrorKind.InputError, RUN_NOT_FOUND, "Certification run " + id + " was not found."));
    }

    public Uni<RunWithCases> withCases(CertificationRun run) {
        return RunCase.ofRun(run.id).chain(cases -> CaseEvidence.ofRun(run.id).map(evidence -> new RunWithCases(run, cases, evidence)));
    }

    /** The values a run's instructions and assertions carry. */
    public static Map<String, String> valuesOf(CertificationRun run) {
        return Map.of("amount", run.amount.toPlainString(), "currency", run.currency,
                "paymentReference", run.paymentReference, "invoiceNumber", run.invoiceNumber,
                "clientSystemName", run.clientSystemName, "clientVersion", run.clientVersion);
    }

    static String fill(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("catalog placeholder ${" + m.group(1) + "} has no run value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    static JsonNode fill(JsonNode node, Map<String, String> values) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> object.set(name, fill(object.get(name), values)));
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, fill(array.get(i), values));
            }
            return array;
        }
        return node.isTextual() ? TextNode.valueOf(fill(node.asText(), values)) : node;
    }

    private BigDecimal randomAmount() {
        long min = new BigDecimal(config.values().minAmount()).movePointRight(2).longValueExact();
        long max = new BigDecimal(config.values().maxAmount()).movePointRight(2).longValueExact();
        long cents = min + (long) (RANDOM.nextDouble() * (max - min + 1));
        return BigDecimal.valueOf(Math.min(cents, max), 2).setScale(2, RoundingMode.UNNECESSARY);
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().withUpperCase().formatHex(b);
    }

    private static String claim(JsonWebToken token, String name) {
        Object value = token.getClaim(name);
        return value == null ? null : value.toString().replace("\"", "");
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw input(FIELD_REQUIRED, field + " is required.");
        }
        return value.trim();
    }

    private static String id(String field, String value) {
        String v = required(field, value);
        if (!ID.matcher(v).matches()) {
            throw input(FIELD_INVALID, field + " must be 1 to 100 letters, digits, '.', '_', ':' or '-'.");
        }
        return v;
    }

    static String printable(String value) {
        String clean = value.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}
