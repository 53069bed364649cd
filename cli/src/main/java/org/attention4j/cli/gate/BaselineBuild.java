package org.attention4j.cli.gate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.attention4j.AttentionEngine;
import org.attention4j.cli.BadInputException;

/**
 * A build to time in {@code gate check --against}: its class path (a jar or a class directory) and how
 * the report names it. A git ref is built once, in a temporary detached worktree, with the same Maven
 * command the launcher uses, and the jar is cached by commit id under {@code target/gate-builds/}.
 *
 * @param classPath what goes on the child JVM's class path after the runner (entries separated by
 *     {@link java.io.File#pathSeparator})
 * @param description e.g. {@code "HEAD~1 = 1e27f19… (2026-12-07) subject"} or {@code "jar /tmp/old.jar"}
 */
record BaselineBuild(String classPath, String description) {
    private static final String JAR = "cli/target/attention4j.jar";

    /**
     * {@code --against}: an existing file or directory is a build's jar or class directory; anything else
     * must name a commit of the git repository around the working directory. Bad input (exit 2) otherwise.
     */
    static BaselineBuild resolve(String against, PrintWriter progress) throws IOException {
        Path path = Path.of(against);
        if (Files.exists(path)) {
            return new BaselineBuild(path.toAbsolutePath().toString(), "jar " + path.toAbsolutePath());
        }
        if (against.endsWith(".jar") || against.contains(java.io.File.separator + "target" + java.io.File.separator)) {
            throw new BadInputException("--against " + against + ": no such jar (expected a git ref of this "
                    + "repository or an existing build jar)");
        }
        Path root = repositoryRoot(against);
        Git commit = git(root, "rev-parse", "--verify", "--quiet", against + "^{commit}");
        if (commit.exit() != 0) {
            throw new BadInputException("--against " + against + ": neither an existing jar nor a commit of the git "
                    + "repository at " + root);
        }
        String id = commit.out();
        Path cached = root.resolve("target/gate-builds").resolve(id + ".jar");
        if (!Files.exists(cached)) {
            build(root, id, cached, progress);
        } else {
            progress.println("attention4j gate check: baseline " + against + " (" + shortId(id) + ") from " + cached);
            progress.flush();
        }
        return new BaselineBuild(cached.toString(), against + " = " + describe(root, id));
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the classes of " + c.getName(), e);
        }
    }

    /**
     * The build running this command: the engine's own class path entry (the CLI's shaded jar, or
     * engine/target/classes and model/target/classes in a test), named by the commit at {@code HEAD} when the working directory
     * is in a git repository ("+ local changes" when it has uncommitted ones).
     */
    static BaselineBuild candidate() {
        Path self = location(AttentionEngine.class);
        // One shaded jar holds them all; class directories or module jars (a test, an IDE) are one per module:
        // the runner needs the engine, io, the layers and the model.
        java.util.LinkedHashSet<Path> modules = new java.util.LinkedHashSet<>();
        for (Class<?> member : new Class<?>[] {AttentionEngine.class, org.attention4j.io.NpyFile.class,
                org.attention4j.layer.MultiHeadAttention.class, org.attention4j.model.BertEncoder.class}) {
            modules.add(location(member));
        }
        String classPath = String.join(java.io.File.pathSeparator, modules.stream().map(Path::toString).toList());
        String name = "this build (" + self.getFileName() + ")";
        try {
            Path root = repositoryRoot(null);
            Git head = git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
            if (head.exit() == 0) {
                Git status = git(root, "status", "--porcelain", "--untracked-files=no");
                name = "HEAD = " + describe(root, head.out())
                        + (status.exit() == 0 && !status.out().isEmpty() ? " + local changes" : "");
            }
        } catch (BadInputException | IOException e) {
            // not in a repository: the jar's name will do
        }
        return new BaselineBuild(classPath, name);
    }

    private static Path repositoryRoot(String against) throws IOException {
        Git top = git(Path.of("").toAbsolutePath(), "rev-parse", "--show-toplevel");
        if (top.exit() != 0) {
            throw new BadInputException("--against " + against + ": neither an existing jar nor a git ref (the "
                    + "working directory " + Path.of("").toAbsolutePath() + " is not in a git repository)");
        }
        return Path.of(top.out());
    }

    /** The full commit id ({@code git rev-parse}), its date and the start of its subject. */
    private static String describe(Path root, String id) throws IOException {
        Git line = git(root, "log", "-1", "--format=%H (%cs) %s", id);
        String text = line.exit() == 0 ? line.out() : id;
        return text.length() > 120 ? text.substring(0, 119) + "…" : text;
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(10, id.length()));
    }

    /**
     * {@code git worktree add --detach TMP ID}, the CLI built there offline as the launcher builds it, the
     * jar copied to {@code cached}, the worktree removed (also when the build fails).
     */
    private static void build(Path root, String id, Path cached, PrintWriter progress) throws IOException {
        Path tmp = Files.createTempDirectory("attention4j-gate-build-");
        Files.delete(tmp); // git worktree add wants to create it
        progress.println("attention4j gate check: building the baseline " + shortId(id) + " in " + tmp
                + " (once; cached as " + cached + ") ...");
        progress.flush();
        Git add = git(root, "worktree", "add", "--detach", tmp.toString(), id);
        if (add.exit() != 0) {
            throw new BadInputException("--against: git worktree add failed for " + shortId(id) + ": " + add.out());
        }
        try {
            ProcessBuilder mvn = new ProcessBuilder("./mvnw", "-B", "-q", "-o", "-pl", "cli", "-am", "package",
                    "-DskipTests").directory(tmp.toFile()).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("gate-build.log").toFile());
            mvn.environment().put("MAVEN_OPTS", (System.getenv().getOrDefault("MAVEN_OPTS", "")
                    + " --sun-misc-unsafe-memory-access=allow").trim());
            int exit = waitFor(mvn.start());
            Path jar = tmp.resolve(JAR);
            if (exit != 0 || !Files.exists(jar)) {
                String log = Files.exists(tmp.resolve("gate-build.log"))
                        ? tail(Files.readString(tmp.resolve("gate-build.log"), StandardCharsets.UTF_8)) : "";
                throw new BadInputException("--against: building " + shortId(id) + " failed (exit " + exit
                        + ", no " + JAR + "): " + log);
            }
            Files.createDirectories(cached.getParent());
            Path part = cached.resolveSibling(cached.getFileName() + ".part");
            Files.copy(jar, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            git(root, "worktree", "remove", "--force", tmp.toString());
        }
    }

    private static String tail(String log) {
        String t = log.strip();
        return t.length() > 600 ? "…" + t.substring(t.length() - 600) : t;
    }

    private record Git(int exit, String out) {}

    private static Git git(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BadInputException("--against needs git on the PATH for a ref (" + e.getMessage() + ")", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Git(waitFor(p), out);
    }

    private static int waitFor(Process p) throws IOException {
        try {
            p.waitFor(1, TimeUnit.HOURS);
            return p.isAlive() ? -1 : p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + p.info().command().orElse("a process"), e);
        }
    }
}
