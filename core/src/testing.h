/* Hooks for the test suite (linked through dsvk_static; not part of the public API). */
#ifndef DSVK_TESTING_H
#define DSVK_TESTING_H

#include <dsvk/file.h>

/* Reads of `file` overlapping [offset, offset+len) fail with -err (err 0 clears). */
void dsvk_test_inject_io_error(dsvk_file *file, uint64_t offset, uint64_t len, int err);

#endif
