/* Checks shared by the encoder tests (cmocka assertions: a failed check fails the test). */
#ifndef DSVK_TEST_ENC_CHECK_H
#define DSVK_TEST_ENC_CHECK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Checks that stream[0..size) is a valid tile stream of in[0..n): header fields, tile table,
 * every tile a multiple of 4 bytes that the project decoder turns into its slice of the
 * input while consuming exactly all of its bytes, and the whole-stream decode.
 */
void enc_check_stream(const uint8_t *stream, size_t size, const uint8_t *in, size_t n);

/*
 * Compresses in[0..n) at `level` with `threads` into a buffer of exactly the compress bound
 * (guard bytes behind it must stay untouched), runs enc_check_stream, and returns the stream
 * (malloc'd) and its size.
 */
uint8_t *enc_check_roundtrip(const uint8_t *in, size_t n, int level, uint32_t threads,
                             size_t *size);

/* Reads a whole file (malloc'd), NULL if it cannot. */
uint8_t *enc_read_file(const char *path, size_t *size);

#endif
