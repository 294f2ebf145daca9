// What the kernels share: byte tables, and the portable encode/decode loops
// (the scalar kernel is made of them; the SIMD kernels use them for tails).
//
// Everything here is in an anonymous namespace on purpose: this header is
// included by translation units compiled with different -m flags, and an
// inline function with external linkage could make the linker keep the copy
// built with -mavx512* for every caller (ODR), which is SIGILL on older CPUs.
// For the same reason the tables are plain arrays, not std::array (whose
// operator[] and data() are such inline functions).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base64/base64.hpp"
#include "base64/tables.hpp"

namespace frame64::base64 {
namespace {

template <std::size_t N>
struct ByteTable {
    alignas(64) std::uint8_t bytes[N];
};

// Standard-alphabet char -> 6-bit value, tables::kInvalid (0xFF) otherwise.
constexpr ByteTable<256> kDecodeValues = [] {
    ByteTable<256> table{};
    for (int c = 0; c < 256; ++c) table.bytes[c] = tables::kDecode[c];
    return table;
}();

// The same for chars 0..127 with 0x80 for invalid ones: the 128-entry
// lookups of the SIMD decoders, which index with 7 bits and catch bytes
// >= 0x80 by their own top bit.
constexpr ByteTable<128> kDecodeValues7 = [] {
    ByteTable<128> table{};
    for (int c = 0; c < 128; ++c) table.bytes[c] = tables::kDecode[c] == tables::kInvalid ? 0x80 : tables::kDecode[c];
    return table;
}();

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
        const std::uint32_t a = kDecodeValues.bytes[in[i]];
        const std::uint32_t b = kDecodeValues.bytes[in[i + 1]];
        const std::uint32_t c = kDecodeValues.bytes[in[i + 2]];
        const std::uint32_t d = kDecodeValues.bytes[in[i + 3]];
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
