// The portable PNG loops: the scalar kernel is made of them and the SIMD
// kernels finish their tails with them. Everything is in an anonymous
// namespace because this header is compiled with different -m flags in each
// kernel file (see base64/kernel_common.hpp for why that matters).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "png/kernels.hpp"

namespace frame64::png {
namespace {

std::size_t find_run_scalar(const std::uint8_t* data, std::size_t from, std::size_t end) {
    for (std::size_t k = from; k + 2 < end; ++k) {
        const std::uint8_t value = data[k - 1];
        if (data[k] == value && data[k + 1] == value && data[k + 2] == value) return k;
    }
    return end;
}

inline void store_le64(std::uint8_t* out, std::uint64_t value) {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// Adds `count` (<= 56) bits and stores every whole byte. The 8-byte store
// may write past the last whole byte: those bytes are rewritten later.
inline void sink_put(BitSink& sink, std::uint64_t bits, unsigned count) {
    sink.buffer |= bits << sink.filled;
    sink.filled += count;
    store_le64(sink.out, sink.buffer);
    const unsigned whole = sink.filled >> 3;
    sink.out += whole;
    sink.buffer >>= 8 * whole;  // whole <= 7: the shift stays below 64
    sink.filled &= 7;
}

void pack_literals_scalar(const std::uint8_t* data, std::size_t n, const LiteralCodes& codes, BitSink& sink) {
    BitSink local = sink;  // a private copy: byte stores cannot alias it
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        std::uint64_t word = 0;
        unsigned length = 0;
        for (int j = 0; j < 4; ++j) {
            const std::uint32_t entry = codes.packed[data[i + j]];
            word |= static_cast<std::uint64_t>(entry & 0xFFFF) << length;
            length += entry >> 16;
        }
        sink_put(local, word, length);
    }
    for (; i < n; ++i) {
        const std::uint32_t entry = codes.packed[data[i]];
        sink_put(local, entry & 0xFFFF, entry >> 16);
    }
    sink = local;
}

void filter_up_scalar(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t width, int channels, bool swap,
                      std::uint8_t* out) {
    const std::size_t n = width * static_cast<std::size_t>(channels);
    if (!swap || channels < 3) {
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(cur[i] - prev[i]);
        return;
    }
    for (std::size_t i = 0; i < n; i += static_cast<std::size_t>(channels)) {
        out[i] = static_cast<std::uint8_t>(cur[i + 2] - prev[i + 2]);
        out[i + 1] = static_cast<std::uint8_t>(cur[i + 1] - prev[i + 1]);
        out[i + 2] = static_cast<std::uint8_t>(cur[i] - prev[i]);
        if (channels == 4) out[i + 3] = static_cast<std::uint8_t>(cur[i + 3] - prev[i + 3]);
    }
}

}  // namespace
}  // namespace frame64::png
