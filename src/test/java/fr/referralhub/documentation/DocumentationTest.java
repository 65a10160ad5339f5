package fr.referralhub.documentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README is a newcomer's first page: it fits on a page, keeps its order (what the hub is with its flow, the two
 * commands, try it, the concern map, the topics, links), and everything it names exists: files and folders, flows,
 * test classes, {@code ./mvnw} commands, environment variables, links. docs/configuration.md names every variable
 * application.yaml reads, and nothing else. A renamed file or setting then breaks this test, not a reader's first try.
 */
class DocumentationTest {

    private static final Path README = Path.of("README.md");
    private static final Path DOCS = Path.of("docs");
    private static final Path CONFIGURATION_PAGE = DOCS.resolve("configuration.md");
    private static final Path POM = Path.of("pom.xml");
    private static final Path RESOURCES = Path.of("src/main/resources");
    /** The README's Java paths are relative to the hub's package (it says so). */
    private static final Path JAVA_PACKAGE = Path.of("src/main/java/fr/referralhub");
    private static final List<Path> COMPOSE_FILES = List.of(Path.of("docker-compose.yml"),
            Path.of("docker-compose.dev.yml"));
    private static final int README_MAX_BYTES = 12_000;
    private static final List<String> README_SECTIONS = List.of("## Two commands", "## Try it",
            "## Where each concern lives", "## Topics", "## Links");
    /** Folders the running hub creates (the embedded broker's data, a drop folder's processed files), not the repo's. */
    private static final Set<String> RUNTIME_FOLDERS = Set.of("./data/", "data/", "done/");
    private static final Set<String> MAVEN_PHASES = Set.of("clean", "validate", "compile", "test", "package", "verify",
            "install");

    private static final Pattern FENCE = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern PATH_LIKE = Pattern.compile("\\.?[\\w.-]+(/[\\w.-]+)*/?");
    private static final Pattern FILE_EXTENSION = Pattern.compile(".*\\.(java|ya?ml|avsc|xsd|json|csv|md|js)");
    /** A file of the repository given to a command in a code block (curl --data-binary @..., cp ...). */
    private static final Pattern PATH_IN_COMMAND = Pattern.compile("(?<=[\\s@])((?:src|routes|schemas|docs|ops)/[\\w./-]+)");
    private static final Pattern TEST_CLASS = Pattern.compile("[A-Z]\\w*Test");
    private static final Pattern MAVEN_COMMAND = Pattern.compile("\\./mvnw((?: +[-\\w.:=]+)*)");
    /** An environment variable as the docs write them: HUB_..., KAFKA_..., and the like (not HUB_SECURITY_USERS_<n>). */
    private static final Pattern VARIABLE = Pattern.compile(
            "(?<![\\w<>])(?:HUB|KAFKA|SCHEMA_REGISTRY|EMBEDDED|GRAFANA)_[A-Z0-9_]*[A-Z0-9](?![\\w<>])|`PORT`");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    private final String readme = read(README);

    @Test
    void shouldFitTheReadmeOnAPage() throws IOException {
        assertThat(Files.size(README)).as("README.md bytes: move detail to a docs/ page").isLessThan(README_MAX_BYTES);
    }

    @Test
    void shouldKeepTheReadmesOrder() {
        int flowPicture = readme.indexOf("```mermaid");
        assertThat(flowPicture).as("a Mermaid picture of the flow").isPositive()
                .isLessThan(readme.indexOf(README_SECTIONS.get(0)));
        List<Integer> positions = README_SECTIONS.stream().map(readme::indexOf).toList();
        assertThat(positions).as("sections %s", README_SECTIONS).doesNotContain(-1).isSorted();
    }

    @Test
    void shouldNameOnlyFilesAndFoldersThatExist() {
        List<String> paths = new ArrayList<>();
        for (String span : codeSpans(readme)) {
            if (PATH_LIKE.matcher(span).matches() && !RUNTIME_FOLDERS.contains(span)
                    && (span.contains("/") || FILE_EXTENSION.matcher(span).matches() || span.equals("Dockerfile"))) {
                paths.add(span);
            }
        }
        for (String block : codeBlocks(readme, "bash")) {
            Matcher path = PATH_IN_COMMAND.matcher(block);
            while (path.find()) {
                paths.add(path.group(1));
            }
        }
        assertThat(paths).as("paths named by the README").hasSizeGreaterThan(20)
                .allSatisfy(path -> assertThat(exists(path)).as("%s exists in the repository (from its root, under %s,"
                        + " or as a file name)", path, JAVA_PACKAGE).isTrue());
    }

    @Test
    void shouldNameOnlyFlowsAndTestsThatExist() {
        String flowsRow = readme.lines().filter(line -> line.contains("`routes/`:")).findFirst()
                .orElseThrow(() -> new AssertionError("no row of flows (`routes/`: ...) in the concern map"));
        List<String> flows = codeSpans(flowsRow.substring(flowsRow.indexOf("`routes/`:") + "`routes/`:".length()));
        assertThat(flows).as("flows of the concern map").isNotEmpty().allSatisfy(flow -> assertThat(
                Path.of("routes", flow + ".camel.yaml")).as("the flow %s", flow).isRegularFile());
        codeSpans(readme).stream().filter(span -> TEST_CLASS.matcher(span).matches()).forEach(test -> {
            try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
                assertThat(files.anyMatch(f -> f.getFileName().toString().equals(test + ".java")))
                        .as("test class %s", test).isTrue();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void shouldGiveOnlyMavenCommandsThePomRuns() {
        String pom = read(POM);
        List<String> commands = new ArrayList<>();
        Matcher command = MAVEN_COMMAND.matcher(readme);
        while (command.find()) {
            commands.add(command.group(1).trim());
        }
        assertThat(commands).as("./mvnw commands of the README").contains("spring-boot:run", "verify");
        for (String arguments : commands) {
            for (String argument : arguments.isEmpty() ? new String[0] : arguments.split(" +")) {
                if (argument.startsWith("-P")) {
                    for (String profile : argument.substring(2).split(",")) {
                        assertThat(pom.contains("<id>" + profile + "</id>"))
                                .as("pom.xml has profile %s of ./mvnw %s", profile, arguments).isTrue();
                    }
                } else if (argument.startsWith("-D") && !argument.contains("=")) {
                    // A bare -Dname switches a profile on (<activation><property><name>).
                    assertThat(pom.contains("<name>" + argument.substring(2) + "</name>"))
                            .as("pom.xml activates a profile by %s of ./mvnw %s", argument, arguments).isTrue();
                } else if (argument.contains(":") && !argument.startsWith("-")) {
                    String prefix = argument.substring(0, argument.indexOf(':'));
                    assertThat(pom.contains("<artifactId>" + prefix + "-maven-plugin<"))
                            .as("pom.xml declares the plugin of %s", argument).isTrue();
                } else if (!argument.startsWith("-")) {
                    assertThat(MAVEN_PHASES).as("phase %s of ./mvnw %s", argument, arguments).contains(argument);
                }
            }
        }
    }

    @Test
    void shouldNameOnlyVariablesTheHubOrItsComposeStackReads() {
        Set<String> read = new TreeSet<>(applicationVariables());
        COMPOSE_FILES.forEach(file -> read.addAll(composeVariables(read(file))));
        for (Path page : List.of(README, CONFIGURATION_PAGE)) {
            assertThat(variables(read(page))).as("variables named by %s", page).isSubsetOf(read);
        }
    }

    @Test
    void shouldListEveryVariableOfApplicationYamlOnTheConfigurationPage() {
        Set<String> applicationVariables = applicationVariables();
        assertThat(applicationVariables).as("variables read by %s", RESOURCES).contains("KAFKA_BOOTSTRAP_SERVERS", "PORT");
        assertThat(variables(read(CONFIGURATION_PAGE))).as("variables of %s", CONFIGURATION_PAGE)
                .containsAll(applicationVariables);
    }

    @Test
    void shouldLinkOnlyToPagesThatExist() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(README));
        try (Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(f -> f.toString().endsWith(".md")).forEach(pages::add);
        }
        for (Path page : pages) {
            Matcher link = LINK.matcher(read(page));
            while (link.find()) {
                String target = link.group(1);
                if (!target.contains("://") && !target.startsWith("mailto:")) {
                    Path resolved = page.resolveSibling(target).normalize();
                    assertThat(resolved).as("link %s of %s", target, page).exists();
                }
            }
        }
    }

    private static boolean exists(String path) {
        String relative = path.replaceFirst("^\\./", "");
        if (Files.exists(Path.of(relative)) || Files.exists(JAVA_PACKAGE.resolve(relative))) {
            return true;
        }
        if (relative.contains("/")) {
            return false;
        }
        try (Stream<Path> files = Stream.of(Path.of("src"), Path.of("ops")).flatMap(DocumentationTest::walk)) {
            return files.anyMatch(f -> f.getFileName().toString().equals(relative));
        }
    }

    private static Stream<Path> walk(Path root) {
        try {
            return Files.walk(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Code spans of prose: outside fenced blocks, whose text is code, not a name to check. */
    private static List<String> codeSpans(String markdown) {
        List<String> spans = new ArrayList<>();
        Matcher span = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll(""));
        while (span.find()) {
            spans.add(span.group(1));
        }
        return spans;
    }

    private static List<String> codeBlocks(String markdown, String language) {
        List<String> blocks = new ArrayList<>();
        Matcher fence = FENCE.matcher(markdown);
        while (fence.find()) {
            if (fence.group(1).equals(language)) {
                blocks.add(fence.group(2));
            }
        }
        return blocks;
    }

    private static Set<String> variables(String markdown) {
        Set<String> names = new TreeSet<>();
        Matcher variable = VARIABLE.matcher(markdown);
        while (variable.find()) {
            names.add(variable.group().replace("`", ""));
        }
        return names;
    }

    /** Every ${VARIABLE} placeholder of the hub's configuration files (application.yaml and the files it imports). */
    private static Set<String> applicationVariables() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(RESOURCES)) {
            files.filter(f -> f.toString().endsWith(".yaml")).forEach(file -> {
                Matcher placeholder = PLACEHOLDER.matcher(read(file));
                while (placeholder.find()) {
                    names.add(placeholder.group(1));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** What a compose file takes from the operator's environment: its ${...} and its secrets' variables. */
    private static Set<String> composeVariables(String compose) {
        Set<String> names = new TreeSet<>();
        Matcher placeholder = PLACEHOLDER.matcher(compose);
        while (placeholder.find()) {
            names.add(placeholder.group(1));
        }
        Matcher secret = Pattern.compile("(?m)^\\s+environment: ([A-Z][A-Z0-9_]*)\\s*$").matcher(compose);
        while (secret.find()) {
            names.add(secret.group(1));
        }
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
