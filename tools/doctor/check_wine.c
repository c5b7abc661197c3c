/*
 * Wine and Proton builds on this machine, and for each one whether the read/write functions
 * its ntdll.so imports are ones the shim interposes: dsvk's channel only works when Wine's
 * file reads and writes go through a function the shim overrides.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
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

#include "doctor.h"
#include "elf_symbols.h"
#include "io_symbols.h"
#include "path_list.h"
#include "steam.h"

#define MAX_BUILDS 48
#define VERSION_TIMEOUT_MS 10000

extern char **environ;

typedef struct wine_build {
    const char *kind; /* "system", "proton", "compatibility tool" */
    char name[256];
    char version[256];
    char path[DOCTOR_PATH_MAX];  /* launcher (system) or install folder (Proton) */
    char ntdll[DOCTOR_PATH_MAX]; /* "" when none was found */
    char problem[512];           /* why there is no analysis */
    char imports[32][32];        /* read/write-family imports of ntdll.so */
    size_t n_imports;
    char missing[32][32]; /* of those, not interposed by the shim */
    size_t n_missing;
    bool channel_ok; /* every channel-path import is interposed */
} wine_build;

static struct {
    wine_build builds[MAX_BUILDS];
    size_t count;
    size_t compatible;
    path_list ntdlls; /* analysed ntdll.so files, to list each Wine once */
} wine;

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_executable(const char *path)
{
    return is_file(path) && access(path, X_OK) == 0;
}

/* "wine --version" with a time limit; WINEDEBUG=-all so only the version is printed. */
static void run_version(const char *launcher, char *out, size_t n)
{
    out[0] = 0;
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    setenv("WINEDEBUG", "-all", 1);
    char *argv[] = {(char *)launcher, "--version", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, launcher, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (rc != 0) {
        close(pipefd[0]);
        return;
    }
    size_t got = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = VERSION_TIMEOUT_MS -
                    ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        ssize_t r = read(pipefd[0], out + got, n - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        if (got + 1 >= n)
            break;
    }
    close(pipefd[0]);
    out[got] = 0;
    out[strcspn(out, "\n")] = 0;
    int status;
    waitpid(pid, &status, 0);
}

static void analyse(doctor *d, wine_build *b)
{
    elf_symbols imports;
    char err[512];
    if (!elf_read_symbols(b->ntdll, ELF_IMPORTS, &imports, err, sizeof(err))) {
        snprintf(b->problem, sizeof(b->problem), "%s", err);
        return;
    }
    b->channel_ok = true;
    for (size_t i = 0; i < imports.count; i++) {
        const char *s = imports.names[i];
        if (!io_symbol_in_family(s) || b->n_imports >= 32)
            continue;
        snprintf(b->imports[b->n_imports++], sizeof(b->imports[0]), "%s", s);
        bool interposed = false;
        for (size_t j = 0; j < d->n_interposed; j++)
            interposed |= !strcmp(d->interposed[j], s);
        if (interposed)
            continue;
        snprintf(b->missing[b->n_missing++], sizeof(b->missing[0]), "%s", s);
        if (io_symbol_on_channel_path(s))
            b->channel_ok = false;
    }
    elf_symbols_free(&imports);
}

static wine_build *new_build(const char *kind)
{
    if (wine.count == MAX_BUILDS)
        return NULL;
    wine_build *b = &wine.builds[wine.count++];
    memset(b, 0, sizeof(*b));
    b->kind = kind;
    return b;
}

/* The first existing candidate "DIR/REL" becomes the build's ntdll.so. */
static bool pick_ntdll(wine_build *b, const char *dir, const char *const *rels, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char path[DOCTOR_PATH_MAX];
        if (path_join(path, sizeof(path), dir, rels[i]) && is_file(path)) {
            snprintf(b->ntdll, sizeof(b->ntdll), "%s", path);
            return true;
        }
    }
    return false;
}

static void add_system_wine(doctor *d, const char *launcher)
{
    char *real = realpath(launcher, NULL);
    if (!real)
        return;
    char dir[DOCTOR_PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", real);
    free(real);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    /* ntdll.so relative to the launcher: upstream/Arch, Fedora/WineHQ, Debian's two. */
    static const char *const rels[] = {
        "../lib/wine/x86_64-unix/ntdll.so",
        "../lib64/wine/x86_64-unix/ntdll.so",
        "../lib/x86_64-linux-gnu/wine/x86_64-unix/ntdll.so",
        "../x86_64-linux-gnu/wine/x86_64-unix/ntdll.so",
    };
    wine_build probe = {0};
    bool has_ntdll = pick_ntdll(&probe, dir, rels, sizeof(rels) / sizeof(rels[0]));
    /* /usr/bin/wine and /usr/lib/wine/wine64 are one Wine: list it once. */
    if (has_ntdll && !path_list_add(&wine.ntdlls, probe.ntdll))
        return;
    wine_build *b = new_build("system");
    if (!b)
        return;
    snprintf(b->path, sizeof(b->path), "%s", launcher);
    snprintf(b->name, sizeof(b->name), "Wine");
    run_version(launcher, b->version, sizeof(b->version));
    if (!has_ntdll) {
        snprintf(b->problem, sizeof(b->problem),
                 "no x86_64-unix/ntdll.so next to it (Wine older than 6.0 has none; dsvk needs "
                 "a Wine with a unix-side ntdll.so)");
        return;
    }
    snprintf(b->ntdll, sizeof(b->ntdll), "%s", probe.ntdll);
    analyse(d, b);
}

static void find_system_wines(doctor *d)
{
    path_list launchers = {0};
    const char *path_env = getenv("PATH");
    if (path_env) {
        char *copy = strdup(path_env);
        for (char *save = NULL, *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir;
             dir = strtok_r(NULL, ":", &save)) {
            static const char *const names[] = {"wine", "wine64"};
            for (size_t i = 0; i < 2; i++) {
                char p[DOCTOR_PATH_MAX];
                if (path_join(p, sizeof(p), dir, names[i]) && is_executable(p))
                    path_list_add(&launchers, p);
            }
        }
        free(copy);
    }
    static const char *const fixed[] = {
        "/usr/lib/wine/wine64",      "/usr/lib/wine/wine",         "/usr/lib64/wine/wine64",
        "/opt/wine-stable/bin/wine", "/opt/wine-staging/bin/wine", "/opt/wine-devel/bin/wine",
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (is_executable(fixed[i]))
            path_list_add(&launchers, fixed[i]);
    for (size_t i = 0; i < launchers.count; i++)
        add_system_wine(d, launchers.paths[i]);
    path_list_free(&launchers);
}

/* Proton's "version" file: "<timestamp> proton-8.0-5". */
static void read_proton_version(const char *dir, char *out, size_t n)
{
    char path[DOCTOR_PATH_MAX];
    FILE *f = path_join(path, sizeof(path), dir, "version") ? fopen(path, "re") : NULL;
    char line[256] = "";
    if (f) {
        if (!fgets(line, sizeof(line), f))
            line[0] = 0;
        fclose(f);
    }
    line[strcspn(line, "\r\n")] = 0;
    const char *space = strchr(line, ' ');
    snprintf(out, n, "%s", space ? space + 1 : line);
}

static void add_proton(doctor *d, const char *kind, const char *dir, const char *name)
{
    static const char *const rels[] = {
        "files/lib/wine/x86_64-unix/ntdll.so",
        "files/lib64/wine/x86_64-unix/ntdll.so",
        "dist/lib64/wine/x86_64-unix/ntdll.so",
        "dist/lib/wine/x86_64-unix/ntdll.so",
    };
    wine_build probe = {0};
    bool has_ntdll = pick_ntdll(&probe, dir, rels, sizeof(rels) / sizeof(rels[0]));
    if (has_ntdll && !path_list_add(&wine.ntdlls, probe.ntdll))
        return; /* the same Proton reached through two library paths */
    wine_build *b = new_build(kind);
    if (!b)
        return;
    snprintf(b->path, sizeof(b->path), "%s", dir);
    snprintf(b->name, sizeof(b->name), "%s", name);
    read_proton_version(dir, b->version, sizeof(b->version));
    if (!has_ntdll) {
        char tar[DOCTOR_PATH_MAX];
        bool packed = path_join(tar, sizeof(tar), dir, "proton_dist.tar") && is_file(tar);
        snprintf(b->problem, sizeof(b->problem), "%s",
                 packed ? "not unpacked yet (Steam unpacks it when a game first runs)"
                        : "no files/lib*/wine/x86_64-unix/ntdll.so in it");
        return;
    }
    snprintf(b->ntdll, sizeof(b->ntdll), "%s", probe.ntdll);
    analyse(d, b);
}

/* Every folder of `parent` that holds a "proton" launcher script. */
static void scan_proton_folders(doctor *d, const char *kind, const char *parent)
{
    DIR *dir = opendir(parent);
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        char path[DOCTOR_PATH_MAX], script[DOCTOR_PATH_MAX];
        if (path_join(path, sizeof(path), parent, e->d_name) &&
            path_join(script, sizeof(script), path, "proton") && is_file(script))
            add_proton(d, kind, path, e->d_name);
    }
    closedir(dir);
}

static void find_protons(doctor *d)
{
    path_list roots = {0};
    steam_find_roots(&roots);
    for (size_t r = 0; r < roots.count; r++) {
        path_list libraries = {0};
        steam_find_libraries(roots.paths[r], &libraries);
        for (size_t i = 0; i < libraries.count; i++) {
            char common[DOCTOR_PATH_MAX];
            if (path_join(common, sizeof(common), libraries.paths[i], "steamapps/common"))
                scan_proton_folders(d, "proton", common);
        }
        path_list_free(&libraries);
        char tools[DOCTOR_PATH_MAX];
        if (path_join(tools, sizeof(tools), roots.paths[r], "compatibilitytools.d"))
            scan_proton_folders(d, "compatibility tool", tools);
    }
    path_list_free(&roots);
    scan_proton_folders(d, "compatibility tool", "/usr/share/steam/compatibilitytools.d");
}

static void join(char out[], size_t n, char items[][32], size_t count)
{
    out[0] = 0;
    for (size_t i = 0; i < count; i++)
        snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? ", " : "", items[i]);
    if (!count)
        snprintf(out, n, "none");
}

static void report_build(doctor *d, const wine_build *b)
{
    char label[sizeof(b->name) + sizeof(b->version) + sizeof(b->path) + 32];
    /* Wine says "wine-8.0 (Debian ...)" itself; Proton folders are named after the build. */
    if (!strcmp(b->kind, "system") && b->version[0])
        snprintf(label, sizeof(label), "%s (%s)", b->version, b->path);
    else if (b->version[0] && strcmp(b->version, b->name) != 0)
        snprintf(label, sizeof(label), "%s %s (%s, %s)", b->name, b->version, b->kind, b->path);
    else
        snprintf(label, sizeof(label), "%s (%s, %s)", b->name, b->kind, b->path);
    if (!b->ntdll[0] || b->problem[0]) {
        doctor_add(d, "wine", LEVEL_NOTE, true, NULL, "%s: not checked: %s", label, b->problem);
        return;
    }
    char imports[512], missing[512];
    join(imports, sizeof(imports), (char(*)[32])b->imports, b->n_imports);
    join(missing, sizeof(missing), (char(*)[32])b->missing, b->n_missing);
    if (!b->channel_ok) {
        doctor_add(d, "wine", LEVEL_WARN, true,
                   "Use another Wine/Proton with dsvk, or a shim that interposes these too "
                   "(a newer dsvk).",
                   "%s: its ntdll.so imports %s; the shim does not interpose %s, which Wine may "
                   "use for file reads and writes: dsvk's channel may not work with it",
                   label, imports, missing);
    } else if (b->n_missing) {
        doctor_add(d, "wine", LEVEL_OK, true, NULL,
                   "%s: its ntdll.so imports %s; every one on the file read/write path is "
                   "interposed (not interposed: %s, which Wine uses for its server pipe and "
                   "sockets, not for file I/O)",
                   label, imports, missing);
    } else {
        doctor_add(d, "wine", LEVEL_OK, true, NULL,
                   "%s: its ntdll.so imports %s, all interposed by the shim", label, imports);
    }
}

void check_wine(doctor *d)
{
    find_system_wines(d);
    find_protons(d);
    for (size_t i = 0; i < wine.count; i++) {
        report_build(d, &wine.builds[i]);
        if (wine.builds[i].ntdll[0] && !wine.builds[i].problem[0] && wine.builds[i].channel_ok)
            wine.compatible++;
    }
    if (wine.count == 0)
        doctor_add(d, "wine", LEVEL_WARN, true,
                   "Install Wine (Debian: wine64) or Steam with Proton.",
                   "no Wine or Proton found (PATH, /usr/lib/wine, /opt/wine-*, Steam libraries "
                   "and compatibilitytools.d under $HOME)");
    else if (wine.compatible == 0)
        doctor_add(d, "wine", LEVEL_FAIL, true,
                   "Install a Wine or Proton whose ntdll.so dsvk can serve (see above).",
                   "none of the %zu Wine/Proton builds found can carry dsvk's channel", wine.count);
    path_list_free(&wine.ntdlls);
}

static void json_list(json_writer *w, const char *key, char items[][32], size_t n)
{
    jw_array_begin(w, key);
    for (size_t i = 0; i < n; i++)
        jw_string(w, NULL, items[i]);
    jw_array_end(w);
}

void json_wine(json_writer *w, const doctor *d)
{
    (void)d;
    jw_object_begin(w, "wine");
    jw_uint(w, "compatible", wine.compatible);
    jw_array_begin(w, "builds");
    for (size_t i = 0; i < wine.count; i++) {
        wine_build *b = &wine.builds[i];
        bool analysed = b->ntdll[0] && !b->problem[0];
        jw_object_begin(w, NULL);
        jw_string(w, "kind", b->kind);
        jw_string(w, "name", b->name);
        jw_string(w, "version", b->version[0] ? b->version : NULL);
        jw_string(w, "path", b->path);
        jw_string(w, "ntdll", b->ntdll[0] ? b->ntdll : NULL);
        jw_string(w, "problem", b->problem[0] ? b->problem : NULL);
        json_list(w, "imports", b->imports, b->n_imports);
        json_list(w, "not_interposed", b->missing, b->n_missing);
        jw_bool(w, "all_interposed", analysed && b->n_missing == 0);
        jw_bool(w, "channel_ok", analysed && b->channel_ok);
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_object_end(w);
}
