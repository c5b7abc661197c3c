/*
 * Status arrays: where status entries report.
 *
 * An element holds a dsvk_result, or DSVK_E_PENDING until its entry completes. The storage
 * may be the caller's (dsvk_status_array_wrap), e.g. memory shared with a PE process under
 * Wine: the core stores each element with release ordering, so a reader that loads it with
 * acquire ordering sees the results of everything the entry covered.
 */
#ifndef DSVK_STATUS_H
#define DSVK_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include <dsvk/queue.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Errors: DSVK_E_INVALID_ARGUMENT for capacity 0. Elements start as DSVK_OK (complete),
 * as DirectStorage's do; enqueueing a status entry sets its element to DSVK_E_PENDING. */
DSVK_API dsvk_result dsvk_status_array_create(dsvk_runtime *rt, uint32_t capacity,
                                              const char *name, dsvk_status_array **out);

/* Uses `capacity` int32_t elements at `storage` (4-byte aligned), which must outlive the
 * array. The elements are initialised to DSVK_OK. */
DSVK_API dsvk_result dsvk_status_array_wrap(dsvk_runtime *rt, int32_t *storage,
                                            uint32_t capacity, const char *name,
                                            dsvk_status_array **out);

/* Destroys the array; entries still pointing at it must be complete. */
DSVK_API void dsvk_status_array_destroy(dsvk_status_array *array);

/* True when the element is not pending. An index out of range reads as complete. */
DSVK_API bool dsvk_status_array_is_complete(const dsvk_status_array *array, uint32_t index);

/* DSVK_E_PENDING, DSVK_OK, the first failure, or DSVK_E_INDEX_BOUND. */
DSVK_API dsvk_result dsvk_status_array_get_result(const dsvk_status_array *array,
                                                  uint32_t index);

DSVK_API uint32_t dsvk_status_array_capacity(const dsvk_status_array *array);

#ifdef __cplusplus
}
#endif

#endif
