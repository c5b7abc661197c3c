/*
 * dsvk's dstorage.dll without its unix side (run without the preload shim, so
 * DSVK_CHANNEL is not set): DStorageGetFactory and DStorageCreateCompressionCodec fail
 * with an HRESULT, nothing crashes, and the log says why. Run with DSVK_CHANNEL pointing
 * at an ordinary file (no shim answers there), the same.
 */
#include "wine_test.h"

int main(int argc, char **argv)
{
    wt_begin(argc > 1 ? argv[1] : "no shim");
    IDStorageFactory *f = (IDStorageFactory *)1;
    HRESULT hr = DStorageGetFactory(&IID_IDStorageFactory, (void **)&f);
    CHECK(hr != (HRESULT)0x8badf00d, "dsvk's dstorage.dll is loaded even without the shim");
    CHECK(hr == E_DSTORAGE_NOT_RUNNING, "DStorageGetFactory = %#lx", (unsigned long)hr);
    CHECK(f == NULL, "no factory");
    /* Asking again gives the same answer (and logs once). */
    CHECK_HR(DStorageGetFactory(&IID_IDStorageFactory, (void **)&f), E_DSTORAGE_NOT_RUNNING);
    IDStorageCompressionCodec *c = (IDStorageCompressionCodec *)1;
    CHECK_HR(DStorageCreateCompressionCodec(DSTORAGE_COMPRESSION_FORMAT_GDEFLATE, 0,
                                            &IID_IDStorageCompressionCodec, (void **)&c),
             E_DSTORAGE_NOT_RUNNING);
    CHECK(c == NULL, "no codec");
    DSTORAGE_CONFIGURATION cfg = {0};
    CHECK_HR(DStorageSetConfiguration(&cfg), S_OK); /* recorded; nothing to apply it to */
    return wt_end();
}
