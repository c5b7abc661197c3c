/* Test fixture standing in for a preloaded library (the shim, Steam's overlay, ...): tests
 * preload copies of it and look for them in the process's memory map. */
int dsvk_test_preload_fixture(void);

int dsvk_test_preload_fixture(void)
{
    return 42;
}
