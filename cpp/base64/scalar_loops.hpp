// The portable encode/decode loops. The scalar kernel is made of them, and
// the SIMD kernels use them for the tails their vector loops leave.
//
// Everything here is in an anonymous namespace on purpose: this header is
// included by translation units compiled with different -m flags, and an
// inline function with external linkage could make the linker keep the copy
// built with -mavx512* for every caller (ODR), which is SIGILL on older CPUs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base64/base64.hpp"
#include "base64/tables.hpp"

namespace frame64::base64 {
namespace {

// The 64 output chars of an alphabet (RFC 4648: A-Z a-z 0-9, then c62 c63).
struct EncodeTable {
    char chars[64];
    explicit EncodeTable(Alphabet alphabet) noexcept {
        for (int i = 0; i < 62; ++i) chars[i] = tables::kStandardChars[i];
        chars[62] = alphabet.c62;
        chars[63] = alphabet.c63;
    }
};

// Encodes n bytes, with '=' padding, into encoded_length(n) chars.
[[maybe_unused]] void encode_scalar(const std::uint8_t* src, std::size_t n, char* dst, const EncodeTable& table) noexcept {
    const char* chars = table.chars;
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
    if (rest == 0) return;
    const std::uint32_t group = (std::uint32_t{src[i]} << 16) | (rest == 2 ? std::uint32_t{src[i + 1]} << 8 : 0u);
    dst[0] = chars[(group >> 18) & 63];
    dst[1] = chars[(group >> 12) & 63];
    dst[2] = rest == 2 ? chars[(group >> 6) & 63] : '=';
    dst[3] = '=';
}

// Decodes whole quads of the standard alphabet until the first quad holding
// any other byte; returns the chars consumed (a multiple of 4).
[[maybe_unused]] std::size_t decode_quads_scalar(const char* src, std::size_t n, std::uint8_t* dst) noexcept {
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
}  // namespace frame64::base64
