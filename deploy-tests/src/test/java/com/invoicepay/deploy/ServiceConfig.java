package com.invoicepay.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration properties one service reads, taken from the repository: its application.properties
 * and common's shared defaults (every profile), the {@code @ConfigMapping} interfaces and
 * {@code @ConfigProperty} names in its sources and common's. A map member of a mapping is a {@code *}
 * segment. An environment variable is read when it is the environment form of one of these names
 * (upper case, every other character "_"), which is how Quarkus maps FOO_BAR_BAZ to foo.bar.baz.
 */
final class ServiceConfig {

    /** Quarkus's own keys the services rely on without naming them in a properties file. */
    static final Set<String> FRAMEWORK_KEYS = Set.of("quarkus.profile");

    /** Environment variables read by the JVM or the image, not by the application's configuration. */
    static final Set<String> PROCESS_ENV = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "MALLOC_ARENA_MAX");

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern CONFIG_PROPERTY = Pattern.compile("@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)");
    private static final Pattern METHOD = Pattern.compile("^\\s*([\\w.]+(?:<[^()]*>)?)\\s+(\\w+)\\(\\)\\s*;");

    final String service;
    final int httpPort;
    final Properties properties;
    final Set<String> keys;

    private ServiceConfig(String service, int httpPort, Properties properties, Set<String> keys) {
        this.service = service;
        this.httpPort = httpPort;
        this.properties = properties;
        this.keys = keys;
    }

    static ServiceConfig of(String service) {
        Properties own = load(RepoTree.path(service + "/src/main/resources/application.properties"));
        Properties shared = load(RepoTree.path("common/src/main/resources/META-INF/microprofile-config.properties"));
        Set<String> keys = new TreeSet<>(FRAMEWORK_KEYS);
        for (Properties p : List.of(own, shared)) {
            for (String key : p.stringPropertyNames()) {
                keys.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
            }
        }
        for (String module : List.of(service, "common")) {
            for (Path source : RepoTree.javaSources(module)) {
                String text = RepoTree.read(source);
                keys.addAll(mappingKeys(text));
                Matcher property = CONFIG_PROPERTY.matcher(text);
                while (property.find()) {
                    keys.add(property.group(1));
                }
            }
        }
        return new ServiceConfig(service, Integer.parseInt(own.getProperty("quarkus.http.port")), own, keys);
    }

    /** Whether the service reads this environment variable (or the process does, see PROCESS_ENV). */
    boolean readsEnv(String name) {
        return PROCESS_ENV.contains(name) || keys.stream().anyMatch(key -> envPattern(key).matcher(name).matches());
    }

    static Pattern envPattern(String key) {
        StringBuilder regex = new StringBuilder();
        for (String segment : key.split("\\.", -1)) {
            if (!regex.isEmpty()) {
                regex.append('_');
            }
            regex.append(segment.equals("*") ? "[A-Z0-9_]+" : Pattern.quote(segment.replaceAll("[^A-Za-z0-9]", "_").toUpperCase()));
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * Property names of the {@code @ConfigMapping} interfaces in one source file: members are kebab-cased,
     * a member returning a nested interface is a group, a {@code Map<String, ...>} member a {@code *} segment.
     */
    static Set<String> mappingKeys(String source) {
        Matcher prefix = MAPPING.matcher(source);
        if (!prefix.find()) {
            return Set.of();
        }
        Map<String, List<String[]>> members = new HashMap<>();
        String root = null;
        Deque<String> scopes = new ArrayDeque<>();
        for (String line : source.split("\n")) {
            String code = line.replaceAll("//.*", "");
            Matcher iface = INTERFACE.matcher(code);
            Matcher method = METHOD.matcher(code);
            if (method.find() && !scopes.isEmpty() && scopes.peek() != null) {
                members.computeIfAbsent(scopes.peek(), k -> new ArrayList<>()).add(new String[] {method.group(1), method.group(2)});
            }
            long opens = code.chars().filter(c -> c == '{').count();
            long closes = code.chars().filter(c -> c == '}').count();
            if (iface.find() && opens > closes) {
                if (root == null) {
                    root = iface.group(1);
                }
                scopes.push(iface.group(1));
                opens--;
            }
            for (long i = opens - closes; i > 0; i--) {
                scopes.push("");
            }
            for (long i = closes - opens; i > 0 && !scopes.isEmpty(); i--) {
                scopes.pop();
            }
        }
        Set<String> keys = new TreeSet<>();
        collect(root, prefix.group(1), members, keys);
        return keys;
    }

    private static void collect(String iface, String path, Map<String, List<String[]>> members, Set<String> keys) {
        for (String[] member : members.getOrDefault(iface, List.of())) {
            String type = member[0];
            String name = path + "." + kebab(member[1]);
            Matcher map = Pattern.compile("Map<\\s*String\\s*,\\s*(\\w+)\\s*>").matcher(type);
            if (members.containsKey(type)) {
                collect(type, name, members, keys);
            } else if (map.matches() && members.containsKey(map.group(1))) {
                collect(map.group(1), name + ".*", members, keys);
            } else if (map.matches()) {
                keys.add(name + ".*");
            } else {
                keys.add(name);
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(RepoTree.read(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
