/* Files and status arrays: thin wrappers that keep handles typed and references counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "ops.h"

int32_t shim_op_file_open(dsvk_wire_file_open *a)
{
    a->handle = 0;
    a->err_no = 0;
    dsvk_runtime *rt = shim_runtime();
    if (!rt)
        return DSVK_WIRE_E_NO_RUNTIME;
    if (a->path_len == 0 || a->path_len >= DSVK_WIRE_PATH_MAX ||
        !shim_range_ok(a->path, (uint64_t)a->path_len + 1))
        return DSVK_WIRE_E_ARGS;
    char path[DSVK_WIRE_PATH_MAX];
    memcpy(path, (const void *)(uintptr_t)a->path, a->path_len);
    path[a->path_len] = 0;
    if (strlen(path) != a->path_len)
        return DSVK_WIRE_E_ARGS;
    dsvk_file *f;
    int err = 0;
    dsvk_result r = core.dsvk_file_open(rt, path, &f, &err);
    if (r != DSVK_OK) {
        a->err_no = err;
        return r;
    }
    a->handle = shim_handle_new(SHIM_H_FILE, f);
    if (!a->handle) {
        core.dsvk_file_close(f);
        return DSVK_WIRE_R_NO_MEMORY;
    }
    return DSVK_WIRE_R_OK;
}

int32_t shim_op_file_close(dsvk_wire_handle *a)
{
    dsvk_file *f = shim_handle_close(a->handle, SHIM_H_FILE);
    if (!f)
        return DSVK_WIRE_E_HANDLE;
    core.dsvk_file_close(f);
    return DSVK_WIRE_R_OK;
}

int32_t shim_op_file_info(dsvk_wire_file_info *a)
{
    dsvk_file *f = shim_handle_get(a->handle, SHIM_H_FILE);
    if (!f)
        return DSVK_WIRE_E_HANDLE;
    dsvk_file_info info;
    dsvk_result r = core.dsvk_file_get_info(f, &info);
    shim_handle_put(a->handle);
    if (r != DSVK_OK)
        return r;
    a->size = info.size;
    a->device = info.device;
    a->inode = info.inode;
    a->mtime_ns = info.mtime_ns;
    a->block_size = info.block_size;
    return DSVK_WIRE_R_OK;
}

/* A status array over PE storage; pe_object names it in error records. */
typedef struct shim_status {
    dsvk_status_array *array;
    uint64_t pe_object;
} shim_status;

int32_t shim_op_status_create(dsvk_wire_status_create *a)
{
    a->handle = 0;
    dsvk_runtime *rt = shim_runtime();
    if (!rt)
        return DSVK_WIRE_E_NO_RUNTIME;
    if (a->capacity == 0 || a->capacity > (1u << 24) ||
        !shim_ptr_ok(a->storage, (uint64_t)a->capacity * sizeof(int32_t)))
        return DSVK_WIRE_E_ARGS;
    char name[DSVK_WIRE_NAME_MAX];
    memcpy(name, a->name, sizeof(name));
    name[sizeof(name) - 1] = 0;
    shim_status *s = calloc(1, sizeof(*s));
    if (!s)
        return DSVK_WIRE_R_NO_MEMORY;
    dsvk_result r = core.dsvk_status_array_wrap(rt, (int32_t *)(uintptr_t)a->storage, a->capacity,
                                                name, &s->array);
    if (r != DSVK_OK) {
        free(s);
        return r;
    }
    s->pe_object = a->pe_object;
    a->handle = shim_handle_new(SHIM_H_STATUS, s);
    if (!a->handle) {
        core.dsvk_status_array_destroy(s->array);
        free(s);
        return DSVK_WIRE_R_NO_MEMORY;
    }
    return DSVK_WIRE_R_OK;
}

int32_t shim_op_status_destroy(dsvk_wire_handle *a)
{
    shim_status *s = shim_handle_close(a->handle, SHIM_H_STATUS);
    if (!s)
        return DSVK_WIRE_E_HANDLE;
    core.dsvk_status_array_destroy(s->array);
    free(s);
    return DSVK_WIRE_R_OK;
}

dsvk_status_array *shim_status_array_of(void *object)
{
    return ((shim_status *)object)->array;
}

static bool status_matches(void *object, void *ctx)
{
    return ((shim_status *)object)->array == ctx;
}

uint64_t shim_status_pe_object(dsvk_status_array *array)
{
    if (!array)
        return 0;
    shim_status *s = shim_handle_find_object(SHIM_H_STATUS, status_matches, array);
    return s ? s->pe_object : 0;
}
