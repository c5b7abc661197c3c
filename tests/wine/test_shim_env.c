/* The shim's pure helpers: process classification and the environment edits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shim.h"

static void test_classify(void **state)
{
    (void)state;
    assert_int_equal(shim_classify_exe("/usr/lib/wine/wine64"), SHIM_PROCESS_WINE);
    assert_int_equal(shim_classify_exe("/home/u/.steam/steam/steamapps/common/Proton 9.0 "
                                       "(Beta)/files/bin/wine64-preloader"),
                     SHIM_PROCESS_WINE);
    assert_int_equal(shim_classify_exe("/opt/wine/bin/wine-preloader"), SHIM_PROCESS_WINE);
    assert_int_equal(shim_classify_exe("/usr/bin/wine"), SHIM_PROCESS_WINE);
    assert_int_equal(shim_classify_exe("/usr/lib/wine/wineserver64"), SHIM_PROCESS_WINESERVER);
    assert_int_equal(shim_classify_exe("/files/bin/wineserver"), SHIM_PROCESS_WINESERVER);
    assert_int_equal(shim_classify_exe("/usr/bin/bash"), SHIM_PROCESS_OTHER);
    assert_int_equal(shim_classify_exe("/usr/bin/winecfg-helper"), SHIM_PROCESS_OTHER);
    assert_int_equal(shim_classify_exe("/x/pressure-vessel-wrap"), SHIM_PROCESS_OTHER);
    assert_int_equal(shim_classify_exe("/x/wine64.sh"), SHIM_PROCESS_OTHER);
    assert_int_equal(shim_classify_exe(""), SHIM_PROCESS_OTHER);
    assert_int_equal(shim_classify_exe(NULL), SHIM_PROCESS_OTHER);
}

static void check_append(const char *list, const char *dir, const char *want)
{
    char *s = shim_path_list_append(list, dir);
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

static void test_dll_path(void **state)
{
    (void)state;
    check_append(NULL, "/d/wine", "/d/wine");
    check_append("", "/d/wine", "/d/wine");
    check_append("/proton/lib/wine", "/d/wine", "/proton/lib/wine:/d/wine");
    check_append("/a:/d/wine:/b", "/d/wine", "/a:/d/wine:/b");       /* no duplicate */
    check_append("/a:/d/wine/x", "/d/wine", "/a:/d/wine/x:/d/wine"); /* prefix is not equal */
}

static void check_overrides(const char *in, const char *want)
{
    char *s = shim_overrides_add(in);
    if (!want) {
        assert_null(s);
        return;
    }
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

static void test_overrides(void **state)
{
    (void)state;
    check_overrides(NULL, "dstorage=b");
    check_overrides("", "dstorage=b");
    check_overrides("d3d11,dxgi=n", "d3d11,dxgi=n;dstorage=b");
    check_overrides("d3d11=n;", "d3d11=n;dstorage=b");
    check_overrides("dxgi=n;dstorage=n", NULL); /* the user decided */
    check_overrides("d3d12,DStorage.dll=n,b", NULL);
    check_overrides("*dstorage=n", NULL);
    check_overrides("dstoragecore=n", "dstoragecore=n;dstorage=b"); /* another DLL */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_dll_path),
        cmocka_unit_test(test_overrides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
