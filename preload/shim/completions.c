/*
 * Completion records for the PE completion thread: signals, events, error notifications and
 * "custom decompression requests are waiting". Producers are core threads (signal and error
 * callbacks); they append to a growable ring under a mutex and poke an eventfd, never wait
 * for the consumer. The consumer is the PE thread's blocking ReadFile, served by the
 * interposed pread(): it polls the eventfd (and the core's custom-queue eventfd) with a
 * timeout, EINTR-safe, so that a stopping PE thread is never stuck for long; WAKE makes it
 * return at once.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static dsvk_wire_completion *ring;
static uint32_t ring_cap, ring_head, ring_count;
static int notify_fd = -1;
static int custom_fd = -1;
static bool custom_armed;
static uint64_t custom_seq; /* bumped by every re-arm: a report older than a GET is stale */
static bool woken;

/* Lock held. */
static bool ensure_notify_fd(void)
{
    if (notify_fd < 0)
        notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return notify_fd >= 0;
}

static void poke(void)
{
    uint64_t one = 1;
    ssize_t r = shim_real.write(notify_fd, &one, sizeof(one));
    (void)r; /* EAGAIN only when the counter is huge: the consumer is awake anyway */
}

/* Lock held. */
static bool append(uint32_t kind, uint64_t target, uint64_t value)
{
    if (ring_count == ring_cap) {
        uint32_t nc = ring_cap ? ring_cap * 2 : 256;
        dsvk_wire_completion *nr = malloc(nc * sizeof(*nr));
        if (!nr)
            return false;
        for (uint32_t i = 0; i < ring_count; i++)
            nr[i] = ring[(ring_head + i) % ring_cap];
        free(ring);
        ring = nr;
        ring_cap = nc;
        ring_head = 0;
    }
    ring[(ring_head + ring_count) % ring_cap] =
        (dsvk_wire_completion){.kind = kind, .target = target, .value = value};
    ring_count++;
    return true;
}

void shim_completion_push(uint32_t kind, uint64_t target, uint64_t value)
{
    pthread_mutex_lock(&lock);
    bool ok = ensure_notify_fd() && append(kind, target, value);
    if (ok)
        poke();
    pthread_mutex_unlock(&lock);
    if (!ok)
        shim_err("out of memory: a completion (kind %u) is lost", kind);
}

void shim_completion_wake(void)
{
    pthread_mutex_lock(&lock);
    woken = true;
    if (ensure_notify_fd())
        poke();
    pthread_mutex_unlock(&lock);
}

void shim_completion_watch_custom(int fd)
{
    pthread_mutex_lock(&lock);
    custom_fd = fd;
    custom_armed = true;
    if (ensure_notify_fd())
        poke(); /* a waiting reader re-reads custom_fd */
    pthread_mutex_unlock(&lock);
}

uint64_t shim_completion_rearm_custom(void)
{
    pthread_mutex_lock(&lock);
    uint64_t seq = ++custom_seq;
    if (custom_fd >= 0) {
        custom_armed = true;
        if (ensure_notify_fd())
            poke(); /* the waiting reader polls the custom fd again */
    }
    pthread_mutex_unlock(&lock);
    return seq;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Lock held: moves up to max records out. */
static uint32_t take_locked(dsvk_wire_completion *out, uint32_t max)
{
    uint32_t n = ring_count < max ? ring_count : max;
    for (uint32_t i = 0; i < n; i++)
        out[i] = ring[(ring_head + i) % ring_cap];
    if (n) {
        ring_head = (ring_head + n) % ring_cap;
        ring_count -= n;
    }
    return n;
}

uint32_t shim_completion_take(dsvk_wire_completion *out, uint32_t max)
{
    int64_t deadline = now_ms() + DSVK_WIRE_COMPLETION_WAIT_MS;
    for (;;) {
        pthread_mutex_lock(&lock);
        if (!ensure_notify_fd()) {
            pthread_mutex_unlock(&lock);
            return 0;
        }
        uint64_t drain;
        ssize_t r = shim_real.read(notify_fd, &drain, sizeof(drain));
        (void)r;
        uint32_t n = take_locked(out, max);
        if (ring_count)
            poke(); /* more than max: the next read returns at once */
        bool was_woken = woken;
        woken = false;
        int nfd = notify_fd, cfd = custom_armed ? custom_fd : -1;
        pthread_mutex_unlock(&lock);
        if (n || was_woken)
            return n;

        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd[2] = {{.fd = nfd, .events = POLLIN}, {.fd = cfd, .events = POLLIN}};
        int pr = poll(pfd, cfd >= 0 ? 2 : 1, (int)left);
        if (pr < 0 && errno != EINTR)
            return 0;
        if (pr > 0 && cfd >= 0 && (pfd[1].revents & POLLIN)) {
            /* Reported once per GET: the custom eventfd stays readable until requests are
             * taken, and the PE side only needs to know that it should look. */
            pthread_mutex_lock(&lock);
            if (custom_armed && custom_fd == cfd) {
                custom_armed = false;
                append(DSVK_WIRE_DONE_CUSTOM_READY, 0, custom_seq);
            }
            pthread_mutex_unlock(&lock);
        }
    }
}
