/*
 * Opcode handlers. Each gets its argument block (PE memory, size and address already
 * checked by serve.c) and returns the header status: a dsvk_wire_result or a transport
 * status. Handlers validate every pointer, size and count inside the block.
 */
#ifndef DSVK_SHIM_OPS_H
#define DSVK_SHIM_OPS_H

#include "shim.h"

int32_t shim_op_locate(dsvk_wire_locate *a, bool is_channel);
int32_t shim_op_hello(dsvk_wire_hello *a);
int32_t shim_op_configure(dsvk_wire_hello *a);

int32_t shim_op_file_open(dsvk_wire_file_open *a);
int32_t shim_op_file_close(dsvk_wire_handle *a);
int32_t shim_op_file_info(dsvk_wire_file_info *a);

int32_t shim_op_status_create(dsvk_wire_status_create *a);
int32_t shim_op_status_destroy(dsvk_wire_handle *a);

int32_t shim_op_queue_create(dsvk_wire_queue_create *a);
int32_t shim_op_queue_batch(dsvk_wire_queue_batch *a);
int32_t shim_op_queue_cancel(dsvk_wire_queue_cancel *a);
int32_t shim_op_queue_close(dsvk_wire_handle *a);
int32_t shim_op_queue_query(dsvk_wire_queue_query *a);
int32_t shim_op_queue_error_record(dsvk_wire_error_record *a);
int32_t shim_op_queue_compression_support(dsvk_wire_compression_support *a);

int32_t shim_op_custom_get(dsvk_wire_custom_get *a);
int32_t shim_op_custom_set(dsvk_wire_custom_set *a);

int32_t shim_op_codec_bound(dsvk_wire_codec *a);
int32_t shim_op_codec_compress(dsvk_wire_codec *a);
int32_t shim_op_codec_decompress(dsvk_wire_codec *a);

/* ops_file.c, for the queue ops: the core array behind a status handle's object, and the
 * PE object of a core array (error records). */
struct dsvk_status_array;
struct dsvk_status_array *shim_status_array_of(void *object);
uint64_t shim_status_pe_object(struct dsvk_status_array *array);

#endif
