/*
 * A Win32 child process inherits its parent's Win32 environment, DSVK_CHANNEL included,
 * which names the parent's channel. The child must still reach its own shim: a launcher
 * process starting the game is the common case. The parent (this program without
 * arguments) uses DirectStorage, starts itself as a child that does the same, then uses
 * DirectStorage again.
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

static void read_once(const WCHAR *name, uint32_t seed)
{
    IDStorageFactory *f = wt_factory();
    uint8_t data[8192], out[8192];
    wt_fill(data, sizeof(data), seed, 0);
    wt_write_file(name, data, sizeof(data));
    WCHAR path[MAX_PATH];
    wt_path(path, MAX_PATH, name);
    IDStorageFile *file = NULL;
    CHECK_HR(f->lpVtbl->OpenFile(f, path, &IID_IDStorageFile, (void **)&file), S_OK);
    DSTORAGE_QUEUE_DESC d = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                             .Capacity = 128,
                             .Priority = DSTORAGE_PRIORITY_NORMAL};
    IDStorageQueue *q = NULL;
    CHECK_HR(f->lpVtbl->CreateQueue(f, &d, &IID_IDStorageQueue, (void **)&q), S_OK);
    IDStorageStatusArray *st = NULL;
    CHECK_HR(f->lpVtbl->CreateStatusArray(f, 1, NULL, &IID_IDStorageStatusArray, (void **)&st),
             S_OK);
    REQUIRE(file && q && st, "objects");
    DSTORAGE_REQUEST r = {0};
    r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
    r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
    r.Source.File.Source = file;
    r.Source.File.Size = sizeof(data);
    r.Destination.Memory.Buffer = out;
    r.Destination.Memory.Size = sizeof(out);
    q->lpVtbl->EnqueueRequest(q, &r);
    q->lpVtbl->EnqueueStatus(q, st, 0);
    q->lpVtbl->Submit(q);
    CHECK(wt_wait_status(st, 0, 30000), "read completes");
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), S_OK);
    CHECK(!memcmp(data, out, sizeof(data)), "data");
    q->lpVtbl->Release(q);
    st->lpVtbl->Release(st);
    file->lpVtbl->Release(file);
    f->lpVtbl->Release(f);
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        wt_begin("child");
        read_once(L"child.bin", 2);
        return wt_end();
    }
    wt_begin("parent");
    char channel[1024] = "";
    GetEnvironmentVariableA("DSVK_CHANNEL", channel, sizeof(channel));
    CHECK(channel[0] != 0, "DSVK_CHANNEL set by the shim");
    read_once(L"parent.bin", 1);

    WCHAR self[MAX_PATH], cmd[MAX_PATH + 16];
    GetModuleFileNameW(NULL, self, MAX_PATH);
    _snwprintf(cmd, MAX_PATH + 16, L"\"%ls\" child", self);
    STARTUPINFOW si = {.cb = sizeof(si)};
    PROCESS_INFORMATION pi;
    REQUIRE(CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
            "CreateProcess: %lu", GetLastError());
    CHECK(WaitForSingleObject(pi.hProcess, 60000) == WAIT_OBJECT_0, "child exits");
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);
    CHECK(code == 0, "child passed (exit code %lu)", code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    read_once(L"parent2.bin", 3);
    return wt_end();
}
