// frame64 base64: kernel interface, runtime dispatch and the CPython-exact decoder.
//
// Encoding follows RFC 4648 section 4 (padded). Decoding reproduces the
// state machine of CPython's binascii.a2b_base64 (3.11+), in strict and
// non-strict mode, including its error messages, so that frame64.b64decode is
// an exact drop-in. The hot loops live in per-ISA kernels (scalar.cpp,
// avx2.cpp, avx512vbmi.cpp, neon.cpp), each compiled with its own flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace frame64::base64 {

// Number of chars that encoding n bytes produces (padded).
constexpr std::size_t encoded_length(std::size_t n) noexcept { return (n + 2) / 3 * 4; }

// Upper bound of the bytes that decoding n chars can produce.
constexpr std::size_t decoded_capacity(std::size_t n) noexcept { return n / 4 * 3 + 3; }

// The two characters that differ between alphabets: '+' '/' (standard),
// '-' '_' (URL-safe, RFC 4648 section 5), or any altchars pair.
struct Alphabet {
    char c62;
    char c63;
};
inline constexpr Alphabet kStandard{'+', '/'};
inline constexpr Alphabet kUrlSafe{'-', '_'};

// CPU features a kernel needs (bit mask), detected with cpuid + xgetbv.
enum Feature : std::uint32_t {
    kFeatureAVX2 = 1u << 0,        // AVX2, with the OS saving ymm state
    kFeatureAVX512VBMI = 1u << 1,  // AVX-512 F+BW+VBMI, with the OS saving zmm state
    kFeatureNEON = 1u << 2,        // AArch64 Advanced SIMD
};

struct Kernel {
    const char* name;
    std::uint32_t required_features;
    // Encodes n bytes into encoded_length(n) chars at dst, padded with '='.
    // Reads exactly [src, src+n) and writes exactly [dst, dst+encoded_length(n)).
    void (*encode)(const std::uint8_t* src, std::size_t n, char* dst, Alphabet alphabet);
    // Decodes the longest prefix it can of whole 4-char quads of the standard
    // alphabet (no '=', no other bytes) and returns how many chars it
    // consumed, a multiple of 4. It may stop early at any quad boundary (for
    // example at the start of the SIMD block that holds a bad char); the
    // caller finishes with the exact scalar state machine. Writes consumed/4*3
    // bytes at dst; reads only [src, src+n).
    std::size_t (*decode_prefix)(const char* src, std::size_t n, std::uint8_t* dst);
};

// --- dispatch (dispatch.cpp) ----------------------------------------------
std::uint32_t detected_features() noexcept;
// Every kernel this build contains, best first (the last is always scalar).
const std::vector<const Kernel*>& compiled_kernels() noexcept;
bool kernel_supported(const Kernel& kernel) noexcept;
// The active kernel: the best supported one, chosen on first use
// (thread-safe), unless set_active_kernel chose another.
const Kernel& active_kernel() noexcept;
// Forces a kernel by name ("auto" picks the best again). Returns an empty
// string on success, else why it cannot run (never switches to a kernel that
// this CPU or this build cannot execute).
std::string set_active_kernel(const std::string& name);

// --- codec (codec.cpp) -----------------------------------------------------
// Encodes with the active kernel.
void encode(const std::uint8_t* src, std::size_t n, char* dst, Alphabet alphabet = kStandard) noexcept;

struct DecodeResult {
    bool ok;
    std::size_t size;       // bytes written when ok
    const char* message;    // binascii.Error message when !ok (static storage)
    std::size_t count;      // data-char count for the "1 more than a multiple of 4" message
};
// How binascii.a2b_base64 treats '=' changed twice within CPython's
// maintenance releases, so the interpreter's own rules are followed (the
// bindings ask binascii which at import):
enum class PadRules {
    // 3.9 to 3.12.3: a '=' that completes the quad ends the data; anything
    // after it is ignored (strict: "Excess data after padding").
    kStop,
    // 3.12.4 to 3.13.12 and 3.14.0 to 3.14.3 (gh-118314): the same, and in
    // strict mode a '=' where no quad is open is "Excess padding not allowed".
    kStopExcessCheck,
    // 3.13.13+, 3.14.4+, 3.15 (gh-145264, after RFC 4648 section 3.3): a '='
    // that does not fit the open quad is skipped in non-strict mode and the
    // data after padding is decoded; strict mode names each misplaced '='.
    kSkipInner,
};
// Decodes like CPython's binascii.a2b_base64(src, strict_mode=strict) with
// the given rules. dst must hold decoded_capacity(n) bytes. Non-strict mode
// discards bytes outside the alphabet. Uses the active kernel for the clean
// bulk.
DecodeResult decode(const char* src, std::size_t n, std::uint8_t* dst, bool strict, PadRules rules) noexcept;
// Formats a failed DecodeResult as binascii.Error's message.
std::string error_message(const DecodeResult& result);

// Decodes base64 text as it arrives in data URIs and MIME bodies (RFC 4648
// section 4 alphabet; RFC 2045 section 6.8 line wrapping): ASCII whitespace
// (space, \t, \n, \v, \f, \r) anywhere is skipped, every other byte must be
// in the standard alphabet, and the final group must be complete, padded
// with '=' ("xx==" or "xxx=") when the data length is not a multiple of 3.
// Unlike decode(), anything else is an error, never silently discarded.
// dst must hold decoded_capacity(n) bytes. Uses the active kernel between
// line breaks. Non-zero unused bits in the last group are accepted, as by
// binascii.
enum class TextError {
    kNone,
    kInvalidChar,        // a byte outside the alphabet, '=' and whitespace
    kMisplacedPadding,   // '=' before the third char of a group
    kDataAfterPadding,   // a non-whitespace byte after the '=' padding began
    kIncompleteGroup,    // the text ends inside a group (truncated or unpadded)
};
struct TextDecodeResult {
    TextError error;
    std::size_t size;      // bytes written when error == kNone
    std::size_t position;  // index of the offending byte in src (n for kIncompleteGroup)
    int group;             // chars in the unfinished last group (kIncompleteGroup)
};
TextDecodeResult decode_text(const char* src, std::size_t n, std::uint8_t* dst) noexcept;

// --- kernels (one translation unit each) -----------------------------------
extern const Kernel kScalarKernel;

}  // namespace frame64::base64
