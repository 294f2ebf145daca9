// Portable base64 kernel: the reference every SIMD kernel is tested against.
// RFC 4648 section 4: each 3-byte group becomes four 6-bit indices.
#include "base64/base64.hpp"
#include "base64/tables.hpp"

namespace frame64::base64 {
namespace {

void scalar_encode(const std::uint8_t* src, std::size_t n, char* dst, Alphabet alphabet) {
    char chars[64];
    for (int i = 0; i < 62; ++i) chars[i] = tables::kStandardChars[i];
    chars[62] = alphabet.c62;
    chars[63] = alphabet.c63;

    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        const std::uint32_t group = (std::uint32_t{src[i]} << 16) | (std::uint32_t{src[i + 1]} << 8) | src[i + 2];
        dst[0] = chars[(group >> 18) & 63];
        dst[1] = chars[(group >> 12) & 63];
        dst[2] = chars[(group >> 6) & 63];
        dst[3] = chars[group & 63];
        dst += 4;
    }
    const std::size_t rest = n - i;
    if (rest == 1) {
        const std::uint32_t group = std::uint32_t{src[i]} << 16;
        dst[0] = chars[(group >> 18) & 63];
        dst[1] = chars[(group >> 12) & 63];
        dst[2] = '=';
        dst[3] = '=';
    } else if (rest == 2) {
        const std::uint32_t group = (std::uint32_t{src[i]} << 16) | (std::uint32_t{src[i + 1]} << 8);
        dst[0] = chars[(group >> 18) & 63];
        dst[1] = chars[(group >> 12) & 63];
        dst[2] = chars[(group >> 6) & 63];
        dst[3] = '=';
    }
}

std::size_t scalar_decode_prefix(const char* src, std::size_t n, std::uint8_t* dst) {
    const auto* in = reinterpret_cast<const unsigned char*>(src);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const std::uint32_t a = tables::kDecode[in[i]];
        const std::uint32_t b = tables::kDecode[in[i + 1]];
        const std::uint32_t c = tables::kDecode[in[i + 2]];
        const std::uint32_t d = tables::kDecode[in[i + 3]];
        if ((a | b | c | d) & 0x80u) break;  // kInvalid has the high bit set
        const std::uint32_t group = (a << 18) | (b << 12) | (c << 6) | d;
        dst[0] = static_cast<std::uint8_t>(group >> 16);
        dst[1] = static_cast<std::uint8_t>(group >> 8);
        dst[2] = static_cast<std::uint8_t>(group);
        dst += 3;
    }
    return i;
}

}  // namespace

const Kernel kScalarKernel{"scalar", 0, scalar_encode, scalar_decode_prefix};

}  // namespace frame64::base64
