// libFuzzer's entry points (compiler-rt, `FuzzerInterface.h`). Nothing to link: `-sanitize=fuzzer` links the
// libFuzzer runtime, which defines them.
#include <stddef.h>
#include <stdint.h>

// Parses libFuzzer's flags from `argv` and runs the fuzzing loop, calling `UserCb` once per input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
