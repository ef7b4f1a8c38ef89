/*
 * The decoders' fuzz target, shared by the libFuzzer build
 * (--enable-fuzz: tests/fuzz/decode-fuzz) and the replay test that runs in
 * every `make check` (tests/fuzz/replay-t).
 *
 * Input: a selector byte, then the bytes to decode as an extrinsic, a
 * block, or a whole chain state. Whatever the bytes, a decoder returns an
 * error or a value; a value must re-encode to exactly the input (the
 * encoding is canonical). Anything else aborts, which the fuzzer reports.
 */
#ifndef TESTS_FUZZ_DECODE_H
#define TESTS_FUZZ_DECODE_H

#include <stddef.h>
#include <stdint.h>

enum { FUZZ_EXTRINSIC, FUZZ_BLOCK, FUZZ_STATE, FUZZ_TARGETS };

/* 0 when the input was refused, 1 when it decoded (and re-encoded). */
int fuzz_decode_one(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
