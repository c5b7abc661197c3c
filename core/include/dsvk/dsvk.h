/*
 * dsvk — a native Linux DirectStorage runtime.
 *
 * Umbrella header of the core library (libdsvk.so). Programs include this one header.
 * Everything in the API is C11, uses opaque handles, and is thread-safe unless a
 * function's comment says otherwise.
 *
 * The model is DirectStorage's: a runtime owns files, queues and status arrays; a queue
 * takes requests (read a file or memory range, optionally decompress, write a destination),
 * status entries and signal entries, executes requests in any order, and completes status
 * and signal entries in the order they were enqueued.
 */
#ifndef DSVK_DSVK_H
#define DSVK_DSVK_H

#include <dsvk/result.h>
#include <dsvk/runtime.h>
#include <dsvk/file.h>
#include <dsvk/request.h>
#include <dsvk/queue.h>
#include <dsvk/status.h>
#include <dsvk/custom.h>
#include <dsvk/process.h>

#endif
