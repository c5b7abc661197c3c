/*
 * Running dsvk-demo-loader.exe under Wine as a game is run with dsvk: the shim in
 * LD_PRELOAD (it makes Wine take dsvk's dstorage.dll and serves the channel), DSVK=1,
 * headless (no DISPLAY), WINEDEBUG=-all, and a time limit on every Wine process.
 */
#include "wine_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PREFIX_TIMEOUT_S 300
#define LOAD_TIMEOUT_S 600
#define VERSION_TIMEOUT_S 30

extern char **environ;

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void add(char *why, size_t n, const char *text)
{
    size_t len = strlen(why);
    snprintf(why + len, n - len, "%s%s", len ? "; " : "", text);
}

/* The first of `candidates` (NULL-terminated) that is a file, into out. */
static bool first_file(const char *const *candidates, char *out, size_t n)
{
    for (size_t i = 0; candidates[i]; i++) {
        if (candidates[i][0] && is_file(candidates[i])) {
            char *real = realpath(candidates[i], NULL);
            snprintf(out, n, "%s", real ? real : candidates[i]);
            free(real);
            return true;
        }
    }
    return false;
}

static bool find_wine(char *out, size_t n)
{
    const char *env = getenv("DSVK_WINE");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return access(env, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    char *copy = path ? strdup(path) : NULL;
    bool found = false;
    for (char *save = NULL, *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        static const char *const names[] = {"wine64", "wine"};
        for (size_t i = 0; i < 2 && !found; i++) {
            snprintf(out, n, "%s/%s", dir, names[i]);
            found = access(out, X_OK) == 0;
        }
    }
    free(copy);
    if (!found) {
        snprintf(out, n, "/usr/lib/wine/wine64");
        found = access(out, X_OK) == 0;
    }
    return found;
}

/* The environment of a Wine run: ours, with these changes. With the shim, dsvk-run is told
 * which one to preload (DSVK_SHIM_PATH) and puts it into LD_PRELOAD itself. */
static char **wine_environment(const wine_path *w, bool with_shim)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 8, sizeof(*env));
    if (!env)
        return NULL;
    size_t k = 0;
    const char *overrides = getenv("WINEDLLOVERRIDES");
    for (size_t i = 0; i < n; i++) {
        const char *e = environ[i];
        if (!strncmp(e, "WINEPREFIX=", 11) || !strncmp(e, "WINEDEBUG=", 10) ||
            !strncmp(e, "DISPLAY=", 8) || !strncmp(e, "WAYLAND_DISPLAY=", 16) ||
            !strncmp(e, "DSVK_SHIM_PATH=", 15))
            continue;
        env[k++] = (char *)e;
    }
    static char shim[4200], prefix[4200];
    snprintf(prefix, sizeof(prefix), "WINEPREFIX=%s", w->prefix);
    env[k++] = prefix;
    env[k++] = "WINEDEBUG=-all";
    /* Keep Wine from offering to install Mono and Gecko into a fresh prefix, and its menu
     * builder from adding menu entries and file associations to the user's desktop. */
    if (!overrides)
        env[k++] = "WINEDLLOVERRIDES=mscoree,mshtml=;winemenubuilder.exe=d";
    if (with_shim) {
        snprintf(shim, sizeof(shim), "DSVK_SHIM_PATH=%s", w->shim);
        env[k++] = shim;
    }
    env[k] = NULL;
    return env;
}

/* CPU seconds (user + system, every thread) of a process, from /proc/PID/stat; -1 if gone. */
static double process_cpu(pid_t pid)
{
    char path[64], stat[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    size_t n = f ? fread(stat, 1, sizeof(stat) - 1, f) : 0;
    if (f)
        fclose(f);
    stat[n] = 0;
    const char *after = strrchr(stat, ')');
    unsigned long long utime, stime;
    if (!after || sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
                         &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* The loader's "DSVK-DEMO-MARK start|end" lines: the process's CPU time at each. */
typedef struct cpu_marks {
    double start, end; /* -1 until seen */
} cpu_marks;

static void sample_marks(cpu_marks *m, const char *out, pid_t pid)
{
    if (m->start < 0 && strstr(out, "DSVK-DEMO-MARK start"))
        m->start = process_cpu(pid);
    if (m->end < 0 && strstr(out, "DSVK-DEMO-MARK end"))
        m->end = process_cpu(pid);
}

/* Runs argv with env, output (stdout and stderr) into out; -1 on timeout or spawn error.
 * With `marks`, samples the child's CPU time at the loader's marks. */
static int run(char *const argv[], char **env, int timeout_s, char *out, size_t out_len,
               cpu_marks *marks)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP); /* kill Wine's whole group */
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(pipefd[1]);
    if (rc != 0) {
        close(pipefd[0]);
        snprintf(out, out_len, "cannot run %s: %s", argv[0], strerror(rc));
        return -1;
    }
    size_t got = 0;
    bool timed_out = false;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left_ms = (long)timeout_s * 1000 - ((now.tv_sec - start.tv_sec) * 1000 +
                                                 (now.tv_nsec - start.tv_nsec) / 1000000);
        struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
        if (left_ms <= 0 || poll(&p, 1, (int)left_ms) == 0) {
            timed_out = true;
            kill(-pid, SIGKILL);
            break;
        }
        char buf[4096];
        ssize_t r = read(pipefd[0], buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        /* Keep the end: the loader's JSON line is its last output. */
        if (got + (size_t)r >= out_len) {
            size_t drop = got + (size_t)r - out_len + 1;
            drop = drop > got ? got : drop;
            memmove(out, out + drop, got - drop);
            got -= drop;
        }
        size_t take = (size_t)r < out_len - 1 - got ? (size_t)r : out_len - 1 - got;
        memcpy(out + got, buf, take);
        got += take;
        out[got] = 0;
        if (marks)
            sample_marks(marks, out, pid);
    }
    close(pipefd[0]);
    out[got] = 0;
    int status = 0;
    waitpid(pid, &status, 0);
    if (timed_out)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool ensure_prefix(const wine_path *w, char *err, size_t n)
{
    char marker[4200];
    snprintf(marker, sizeof(marker), "%s/system.reg", w->prefix);
    if (is_file(marker))
        return true;
    fprintf(stderr, "dsvk-demo: creating a Wine prefix in %s (once; up to a minute) ...\n",
            w->prefix);
    char parent[4096];
    snprintf(parent, sizeof(parent), "%s", w->prefix);
    for (char *p = parent + 1; (p = strchr(p, '/')); p++) {
        *p = 0;
        mkdir(parent, 0755);
        *p = '/';
    }
    char **env = wine_environment(w, false);
    char *argv[] = {(char *)w->wine, "wineboot", "-i", NULL};
    static char out[8192];
    int rc = env ? run(argv, env, PREFIX_TIMEOUT_S, out, sizeof(out), NULL) : -1;
    free(env);
    if (rc != 0 || !is_file(marker)) {
        snprintf(err, n, "wineboot -i failed in %.300s (%s)", w->prefix,
                 rc < 0 ? "timed out" : "see WINEDEBUG output");
        return false;
    }
    return true;
}

/* "key": value of our own loader's JSON line. */
static const char *find_key(const char *json, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":", key);
    const char *at = strstr(json, pattern);
    return at ? at + strlen(pattern) : NULL;
}

static double number(const char *json, const char *key)
{
    const char *at = find_key(json, key);
    return at ? strtod(at, NULL) : 0;
}

static void string(const char *json, const char *key, char *out, size_t n)
{
    const char *at = find_key(json, key);
    out[0] = 0;
    if (!at || *at != '"')
        return;
    size_t o = 0;
    for (at++; *at && *at != '"' && o + 1 < n; at++) {
        if (*at == '\\' && at[1])
            at++;
        out[o++] = *at;
    }
    out[o] = 0;
}

static bool copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    bool ok = in >= 0 && out >= 0;
    char buf[65536];
    ssize_t got;
    while (ok && (got = read(in, buf, sizeof(buf))) > 0)
        ok = write(out, buf, (size_t)got) == got;
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0)
        ok = false;
    return ok;
}

void wine_path_load(const wine_path *w, const char *mode, const char *dir, load_result *r)
{
    memset(r, 0, sizeof(*r));
    r->decode = "cpu";
    /* A game's folder: the program and the dstorage.dll it ships. */
    char game[4200], exe[4300], dll[4300];
    snprintf(game, sizeof(game), "%.4000s/game", dir);
    snprintf(exe, sizeof(exe), "%s/dsvk-demo-loader.exe", game);
    snprintf(dll, sizeof(dll), "%s/dstorage.dll", game);
    if ((mkdir(game, 0755) != 0 && errno != EEXIST) || !copy_file(w->loader, exe) ||
        !copy_file(w->game_dll, dll)) {
        snprintf(r->error, sizeof(r->error), "cannot prepare %.300s: %s", game, strerror(errno));
        return;
    }
    if (!ensure_prefix(w, r->error, sizeof(r->error)))
        return;
    char **env = wine_environment(w, true);
    if (!env) {
        snprintf(r->error, sizeof(r->error), "out of memory");
        return;
    }
    /* As a player runs a game: dsvk-run wine game.exe (it preloads the shim, through a
     * space-free link when the install's path has spaces). */
    char *argv[] = {(char *)w->run, (char *)w->wine, exe, (char *)mode, (char *)dir, NULL};
    static char out[16384];
    cpu_marks marks = {-1, -1};
    int rc = run(argv, env, LOAD_TIMEOUT_S, out, sizeof(out), &marks);
    free(env);
    const char *json = strstr(out, "{\"tool\":\"dsvk-demo-loader\"");
    if (!json) {
        const char *tail = strlen(out) > 400 ? out + strlen(out) - 400 : out;
        snprintf(r->error, sizeof(r->error), "the PE loader %s without a report: %.400s",
                 rc < 0 ? "timed out or could not start" : "ended", tail);
        return;
    }
    if (!strstr(json, "\"ran\":true")) {
        string(json, "error", r->error, sizeof(r->error));
        return;
    }
    r->ran = true;
    r->seconds = number(json, "seconds");
    /* -1: the marks were missed; the report then shows no CPU time. */
    r->cpu_seconds = marks.start >= 0 && marks.end >= marks.start ? marks.end - marks.start : -1;
    r->bytes_out = (uint64_t)number(json, "bytes_out");
    r->assets_ok = (size_t)number(json, "assets_ok");
    r->requests_failed = (size_t)number(json, "requests_failed");
    r->checksum_mismatches = (size_t)number(json, "checksum_mismatches");
    r->requests = (uint64_t)number(json, "assets");
    string(json, "problems", r->problems, sizeof(r->problems));
    string(json, "dll", r->dll, sizeof(r->dll));
}

bool wine_path_find(wine_path *w, char *why, size_t n)
{
    memset(w, 0, sizeof(*w));
    why[0] = 0;
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[len > 0 ? len : 0] = 0;
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = 0;

    if (!find_wine(w->wine, sizeof(w->wine))) {
        add(why, n, "Wine is not installed (Debian: wine64; or set DSVK_WINE)");
    } else {
        char *argv[] = {w->wine, "--version", NULL};
        char out[256];
        if (run(argv, environ, VERSION_TIMEOUT_S, out, sizeof(out), NULL) == 0)
            snprintf(w->version, sizeof(w->version), "%.*s", (int)strcspn(out, "\n"), out);
    }

    /* Installed: <bin>/<libdir>/dsvk/...; build tree: tools/demo -> preload/, tools/demo/pe. */
    char installed_shim[PATH_MAX + 64], tree_shim[PATH_MAX + 64];
    snprintf(installed_shim, sizeof(installed_shim), "%s/%s/dsvk/libdsvk_preload.so", exe,
             DSVK_LIBDIR_FROM_BINDIR);
    snprintf(tree_shim, sizeof(tree_shim), "%s/../../preload/libdsvk_preload.so", exe);
    const char *env_shim = getenv("DSVK_SHIM_PATH");
    const char *shims[] = {env_shim && *env_shim ? env_shim : installed_shim,
                           env_shim && *env_shim ? "" : tree_shim, NULL};
    if (!first_file(shims, w->shim, sizeof(w->shim))) {
        add(why, n, "the preload shim is not installed next to dsvk-demo");
    } else {
        char dll[sizeof(w->shim) + 64];
        snprintf(dll, sizeof(dll), "%s", w->shim);
        char *cut = strrchr(dll, '/');
        snprintf(cut ? cut : dll, sizeof(dll) - (size_t)(cut ? cut - dll : 0),
                 "/wine/x86_64-windows/dstorage.dll");
        if (!is_file(dll))
            add(why, n, "dsvk's dstorage.dll is not next to the shim");
    }

    /* dsvk-run: next to dsvk-demo once installed, tools/run/ in the build tree. */
    char installed_run[PATH_MAX + 16], tree_run[PATH_MAX + 32];
    snprintf(installed_run, sizeof(installed_run), "%s/dsvk-run", exe);
    snprintf(tree_run, sizeof(tree_run), "%s/../run/dsvk-run", exe);
    const char *runs[] = {installed_run, tree_run, NULL};
    if (!first_file(runs, w->run, sizeof(w->run)))
        add(why, n, "dsvk-run is not installed next to dsvk-demo");

    char installed_loader[PATH_MAX + 64], tree_loader[PATH_MAX + 64];
    snprintf(installed_loader, sizeof(installed_loader), "%s/%s/dsvk/dsvk-demo-loader.exe", exe,
             DSVK_LIBDIR_FROM_BINDIR);
    snprintf(tree_loader, sizeof(tree_loader), "%s/pe/dsvk-demo-loader.exe", exe);
    const char *env_loader = getenv("DSVK_DEMO_LOADER");
    const char *loaders[] = {env_loader && *env_loader ? env_loader : installed_loader,
                             env_loader && *env_loader ? "" : tree_loader, NULL};
    if (!first_file(loaders, w->loader, sizeof(w->loader))) {
        add(why, n,
            "the PE demo loader (dsvk-demo-loader.exe) is not built: it needs "
            "mingw-w64 and the Wine bridge");
    } else {
        snprintf(w->game_dll, sizeof(w->game_dll), "%s", w->loader);
        char *cut = strrchr(w->game_dll, '/');
        snprintf(cut ? cut + 1 : w->game_dll,
                 sizeof(w->game_dll) - (size_t)(cut ? cut + 1 - w->game_dll : 0),
                 "dsvk-demo-game-dstorage.dll");
        if (!is_file(w->game_dll))
            add(why, n, "dsvk-demo-game-dstorage.dll is not next to the PE demo loader");
    }

    const char *prefix = getenv("WINEPREFIX");
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (prefix && *prefix)
        snprintf(w->prefix, sizeof(w->prefix), "%s", prefix);
    else if (cache && *cache)
        snprintf(w->prefix, sizeof(w->prefix), "%s/dsvk/wineprefix", cache);
    else
        snprintf(w->prefix, sizeof(w->prefix), "%s/.cache/dsvk/wineprefix", home ? home : "/tmp");
    return why[0] == 0;
}
