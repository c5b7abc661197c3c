/*
 * The shim's side of the wire, natively: this program runs with libdsvk_preload.so in
 * LD_PRELOAD and DSVK_PRELOAD_FORCE=1 (so the shim serves a process that is not Wine) and
 * talks to it exactly like dstorage.dll does, with pwrite()/pread() on the channel file.
 * It checks what a PE side cannot easily provoke: version mismatches, unknown opcodes,
 * bad argument blocks, handles, counts and pointers, and that ordinary writes pass through.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../preload/wire/dsvk_wire.h"

static int channel = -1;

static int32_t call_ex(int fd, uint16_t version, uint32_t opcode, void *args, uint32_t size,
                       uint16_t *reply_version)
{
    dsvk_wire_header h = {
        .magic = DSVK_WIRE_MAGIC,
        .version = version,
        .header_size = sizeof(h),
        .status = DSVK_WIRE_S_UNANSWERED,
        .opcode = opcode,
        .args_size = size,
        .args = (uint64_t)(uintptr_t)args,
    };
    assert_int_equal(pwrite(fd, &h, sizeof(h), 0), sizeof(h));
    if (reply_version)
        *reply_version = h.version;
    return h.status;
}

static int32_t call(uint32_t opcode, void *args, uint32_t size)
{
    return call_ex(channel, DSVK_WIRE_VERSION, opcode, args, size, NULL);
}

static int setup(void **state)
{
    (void)state;
    const char *path = getenv("DSVK_CHANNEL");
    if (!path)
        return -1; /* the shim is not preloaded: every test would be meaningless */
    channel = open(path, O_RDWR | O_CLOEXEC);
    if (channel < 0)
        return -1;
    dsvk_wire_hello hello = {0};
    return call(DSVK_WIRE_OP_HELLO, &hello, sizeof(hello)) == DSVK_WIRE_R_OK ? 0 : -1;
}

static void test_locate(void **state)
{
    (void)state;
    dsvk_wire_locate loc;
    memset(&loc, 0, sizeof(loc));
    assert_int_equal(call(DSVK_WIRE_OP_LOCATE, &loc, sizeof(loc)), DSVK_WIRE_R_OK);
    assert_int_equal(loc.is_channel, 1);
    assert_int_equal(loc.pid, (uint32_t)getpid());
    assert_string_equal(loc.path, getenv("DSVK_CHANNEL"));

    /* On another file only LOCATE is answered: it says where the channel is. */
    char tmp[] = "/tmp/dsvk-protocol-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    memset(&loc, 0, sizeof(loc));
    assert_int_equal(call_ex(fd, DSVK_WIRE_VERSION, DSVK_WIRE_OP_LOCATE, &loc, sizeof(loc), NULL),
                     DSVK_WIRE_R_OK);
    assert_int_equal(loc.is_channel, 0);
    assert_string_equal(loc.path, getenv("DSVK_CHANNEL"));
    assert_int_equal(lseek(fd, 0, SEEK_END), 0); /* answered, not written */
    /* Any other call on that file is just data. */
    dsvk_wire_handle h = {0};
    assert_int_equal(call_ex(fd, DSVK_WIRE_VERSION, DSVK_WIRE_OP_FILE_CLOSE, &h, sizeof(h), NULL),
                     DSVK_WIRE_S_UNANSWERED);
    assert_int_equal(lseek(fd, 0, SEEK_END), sizeof(dsvk_wire_header));
    close(fd);
    unlink(tmp);
}

static void test_version_mismatch(void **state)
{
    (void)state;
    uint16_t v = 0;
    dsvk_wire_handle h = {0};
    assert_int_equal(
        call_ex(channel, DSVK_WIRE_VERSION + 7, DSVK_WIRE_OP_FILE_CLOSE, &h, sizeof(h), &v),
        DSVK_WIRE_E_VERSION);
    assert_int_equal(v, DSVK_WIRE_VERSION); /* the shim says which version it speaks */
    /* A longer header of a future version is answered the same way. */
    uint8_t big[64] = {0};
    dsvk_wire_header *hh = (dsvk_wire_header *)big;
    hh->magic = DSVK_WIRE_MAGIC;
    hh->version = DSVK_WIRE_VERSION + 1;
    hh->header_size = sizeof(big);
    hh->status = DSVK_WIRE_S_UNANSWERED;
    assert_int_equal(pwrite(channel, big, sizeof(big), 0), sizeof(big));
    assert_int_equal(hh->status, DSVK_WIRE_E_VERSION);
}

static void test_bad_calls(void **state)
{
    (void)state;
    dsvk_wire_handle h = {0};
    assert_int_equal(call(9999, &h, sizeof(h)), DSVK_WIRE_E_OPCODE);
    assert_int_equal(call(DSVK_WIRE_OP_FILE_CLOSE, &h, sizeof(h) + 8), DSVK_WIRE_E_ARGS);
    assert_int_equal(call(DSVK_WIRE_OP_FILE_CLOSE, NULL, sizeof(h)), DSVK_WIRE_E_ARGS);
    assert_int_equal(call(DSVK_WIRE_OP_FILE_CLOSE, (void *)(uintptr_t)0x1000, sizeof(h)),
                     DSVK_WIRE_E_ARGS); /* the first 64 KiB are never user memory */
    assert_int_equal(
        call(DSVK_WIRE_OP_FILE_CLOSE, (void *)(uintptr_t)0xffff800000000000ull, sizeof(h)),
        DSVK_WIRE_E_ARGS); /* kernel half */
    /* Handles: unknown, wrong type, stale. */
    h.handle = 0x123456789ull;
    assert_int_equal(call(DSVK_WIRE_OP_FILE_CLOSE, &h, sizeof(h)), DSVK_WIRE_E_HANDLE);
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_CLOSE, &h, sizeof(h)), DSVK_WIRE_E_HANDLE);
    int32_t storage[4];
    dsvk_wire_status_create sc = {.storage = (uint64_t)(uintptr_t)storage, .capacity = 4};
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_CREATE, &sc, sizeof(sc)), DSVK_WIRE_R_OK);
    h.handle = sc.handle;
    assert_int_equal(call(DSVK_WIRE_OP_FILE_CLOSE, &h, sizeof(h)), DSVK_WIRE_E_HANDLE);
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_DESTROY, &h, sizeof(h)), DSVK_WIRE_R_OK);
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_DESTROY, &h, sizeof(h)), DSVK_WIRE_E_HANDLE);
    /* Status storage: misaligned, too many elements, overflowing. */
    sc.storage = (uint64_t)(uintptr_t)storage + 1;
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_CREATE, &sc, sizeof(sc)), DSVK_WIRE_E_ARGS);
    sc.storage = (uint64_t)(uintptr_t)storage;
    sc.capacity = (1u << 24) + 1;
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_CREATE, &sc, sizeof(sc)), DSVK_WIRE_E_ARGS);
    sc.storage = 0x7ffffffff000ull;
    sc.capacity = 4096;
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_CREATE, &sc, sizeof(sc)), DSVK_WIRE_E_ARGS);
    /* File paths: length beyond the limit, length that disagrees with the string. */
    char path[] = "/etc/hostname";
    dsvk_wire_file_open fo = {.path = (uint64_t)(uintptr_t)path, .path_len = DSVK_WIRE_PATH_MAX};
    assert_int_equal(call(DSVK_WIRE_OP_FILE_OPEN, &fo, sizeof(fo)), DSVK_WIRE_E_ARGS);
    fo.path_len = (uint32_t)strlen(path) + 1;
    assert_int_equal(call(DSVK_WIRE_OP_FILE_OPEN, &fo, sizeof(fo)), DSVK_WIRE_E_ARGS);
}

static void test_batch_limits(void **state)
{
    (void)state;
    dsvk_wire_queue_create qc = {
        .source_type = DSVK_WIRE_SRC_MEMORY, .capacity = 128, .priority = 2};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_CREATE, &qc, sizeof(qc)), DSVK_WIRE_R_OK);
    dsvk_wire_entry entries[2];
    memset(entries, 0, sizeof(entries));
    dsvk_wire_queue_batch b = {.queue = qc.handle,
                               .entries = (uint64_t)(uintptr_t)entries,
                               .count = DSVK_WIRE_MAX_BATCH + 1};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_BATCH, &b, sizeof(b)), DSVK_WIRE_E_ARGS);
    b.count = 2;
    b.entries = 0x7fffffffff80ull; /* 2 entries cross the end of user space */
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_BATCH, &b, sizeof(b)), DSVK_WIRE_E_ARGS);
    /* An array on a page that is not mapped: an error, not a crash. */
    void *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(gone != MAP_FAILED);
    munmap(gone, 4096);
    b.entries = (uint64_t)(uintptr_t)gone;
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_BATCH, &b, sizeof(b)), DSVK_WIRE_E_ARGS);
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_QUERY, gone, sizeof(dsvk_wire_queue_query)),
                     DSVK_WIRE_E_ARGS);
    /* An unknown entry kind stops the batch; entries before it were taken. */
    entries[0].kind = DSVK_WIRE_ENTRY_STATUS; /* status array 0: recorded as an error */
    entries[1].kind = 77;
    b.entries = (uint64_t)(uintptr_t)entries;
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_BATCH, &b, sizeof(b)), DSVK_WIRE_E_ARGS);
    assert_int_equal(b.accepted, 1);
    /* A memory request whose source is not a user address fails in the queue, no crash. */
    int32_t storage[1];
    dsvk_wire_status_create sc = {.storage = (uint64_t)(uintptr_t)storage, .capacity = 1};
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_CREATE, &sc, sizeof(sc)), DSVK_WIRE_R_OK);
    uint8_t dst[16];
    memset(entries, 0, sizeof(entries));
    entries[0].kind = DSVK_WIRE_ENTRY_REQUEST;
    entries[0].u.request.source_type = DSVK_WIRE_SRC_MEMORY;
    entries[0].u.request.source = 0x100; /* null page */
    entries[0].u.request.size = sizeof(dst);
    entries[0].u.request.destination.type = DSVK_WIRE_DST_MEMORY;
    entries[0].u.request.destination.u.memory.address = (uint64_t)(uintptr_t)dst;
    entries[0].u.request.destination.u.memory.size = sizeof(dst);
    entries[1].kind = DSVK_WIRE_ENTRY_STATUS;
    entries[1].u.status.array = sc.handle;
    b.count = 2;
    b.flags = DSVK_WIRE_BATCH_SUBMIT;
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_BATCH, &b, sizeof(b)), DSVK_WIRE_R_OK);
    assert_int_equal(b.accepted, 2);
    for (int i = 0; i < 5000 && __atomic_load_n(&storage[0], __ATOMIC_ACQUIRE) == -1; i++)
        usleep(1000);
    assert_int_equal(storage[0], DSVK_WIRE_R_INVALID_ARGUMENT);
    dsvk_wire_handle h = {qc.handle};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_CLOSE, &h, sizeof(h)), DSVK_WIRE_R_OK);
    h.handle = sc.handle;
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_DESTROY, &h, sizeof(h)), DSVK_WIRE_R_OK);
}

static void test_completions(void **state)
{
    (void)state;
    /* A read returns after the wait time with no records, or at once after WAKE. */
    struct {
        dsvk_wire_header h;
        dsvk_wire_completion c[4];
    } buf;
    memset(&buf, 0, sizeof(buf));
    buf.h = (dsvk_wire_header){.magic = DSVK_WIRE_MAGIC,
                               .version = DSVK_WIRE_VERSION,
                               .header_size = sizeof(buf.h),
                               .status = DSVK_WIRE_S_UNANSWERED,
                               .opcode = DSVK_WIRE_OP_COMPLETIONS};
    /* Earlier tests left ERROR records (their queues failed); take them first. */
    ssize_t n;
    do {
        assert_int_equal(call(DSVK_WIRE_OP_WAKE, NULL, 0), DSVK_WIRE_R_OK);
        buf.h.status = DSVK_WIRE_S_UNANSWERED;
        n = pread(channel, &buf, sizeof(buf), 0);
        assert_true(buf.h.status >= 0 && buf.h.status <= 4);
        for (int i = 0; i < buf.h.status; i++)
            assert_int_equal(buf.c[i].kind, DSVK_WIRE_DONE_ERROR);
    } while (buf.h.status > 0);
    assert_int_equal(n, sizeof(buf.h));
    /* Without WAKE and without records the read waits, then returns none. */
    buf.h.status = DSVK_WIRE_S_UNANSWERED;
    n = pread(channel, &buf, sizeof(buf), 0);
    assert_int_equal(n, sizeof(buf.h));
    assert_int_equal(buf.h.status, 0);
    /* A memory queue's signal arrives as a record. */
    dsvk_wire_queue_create qc = {
        .source_type = DSVK_WIRE_SRC_MEMORY, .capacity = 128, .priority = 2, .pe_queue = 42};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_CREATE, &qc, sizeof(qc)), DSVK_WIRE_R_OK);
    dsvk_wire_entry e = {.kind = DSVK_WIRE_ENTRY_SIGNAL};
    e.u.signal.target = 0xfe0000;
    e.u.signal.value = 77;
    dsvk_wire_queue_batch b = {.queue = qc.handle,
                               .entries = (uint64_t)(uintptr_t)&e,
                               .count = 1,
                               .flags = DSVK_WIRE_BATCH_SUBMIT};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_BATCH, &b, sizeof(b)), DSVK_WIRE_R_OK);
    buf.h.status = DSVK_WIRE_S_UNANSWERED;
    n = pread(channel, &buf, sizeof(buf), 0);
    assert_int_equal(buf.h.status, 1);
    assert_int_equal(n, sizeof(buf.h) + sizeof(dsvk_wire_completion));
    assert_int_equal(buf.c[0].kind, DSVK_WIRE_DONE_SIGNAL);
    assert_int_equal(buf.c[0].target, 0xfe0000);
    assert_int_equal(buf.c[0].value, 77);
    dsvk_wire_handle h = {qc.handle};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_CLOSE, &h, sizeof(h)), DSVK_WIRE_R_OK);
}

static void test_passthrough(void **state)
{
    (void)state;
    /* Bytes that merely look like a call are data on any file but the channel. */
    char tmp[] = "/tmp/dsvk-protocol-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    dsvk_wire_header h = {.magic = DSVK_WIRE_MAGIC,
                          .version = DSVK_WIRE_VERSION,
                          .header_size = sizeof(h),
                          .opcode = DSVK_WIRE_OP_WAKE};
    assert_int_equal(write(fd, &h, sizeof(h)), sizeof(h));
    char small[8] = "abcdefg";
    assert_int_equal(write(fd, small, sizeof(small)), sizeof(small));
    dsvk_wire_header back;
    assert_int_equal(pread(fd, &back, sizeof(back), 0), sizeof(back));
    assert_memory_equal(&back, &h, sizeof(h));
    close(fd);
    unlink(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locate),      cmocka_unit_test(test_version_mismatch),
        cmocka_unit_test(test_bad_calls),   cmocka_unit_test(test_batch_limits),
        cmocka_unit_test(test_completions), cmocka_unit_test(test_passthrough),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
