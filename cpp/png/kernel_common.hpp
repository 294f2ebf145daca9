// The portable PNG loops: the scalar kernel is made of them and the SIMD
// kernels finish their tails with them. Everything is in an anonymous
// namespace because this header is compiled with different -m flags in each
// kernel file (see base64/kernel_common.hpp for why that matters).
#pragma once

#include <algorithm>
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

// Paeth predictor (spec 9.4): the neighbour nearest to left + up - upper_left,
// ties in the order left, up, upper left.
inline int paeth_predict(int left, int up, int upper_left) {
    const int pa = up > upper_left ? up - upper_left : upper_left - up;        // |p - left|
    const int pb = left > upper_left ? left - upper_left : upper_left - left;  // |p - up|
    const int sum = left + up - 2 * upper_left;
    const int pc = sum < 0 ? -sum : sum;  // |p - upper_left|
    if (pa <= pb && pa <= pc) return left;
    return pb <= pc ? up : upper_left;
}

// The residual of filter kType at byte i >= bpp (spec 9.2).
template <int kType>
inline std::uint8_t residual_at(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t i, int bpp) {
    const int x = cur[i], up = prev[i], left = cur[i - bpp], upper_left = prev[i - bpp];
    if constexpr (kType == 0) return static_cast<std::uint8_t>(x);
    if constexpr (kType == 1) return static_cast<std::uint8_t>(x - left);
    if constexpr (kType == 2) return static_cast<std::uint8_t>(x - up);
    if constexpr (kType == 3) return static_cast<std::uint8_t>(x - ((left + up) >> 1));
    if constexpr (kType == 4) return static_cast<std::uint8_t>(x - paeth_predict(left, up, upper_left));
}

// The same for the first pixel, whose left and upper-left neighbours are 0.
inline std::uint8_t first_pixel_residual(int type, std::uint8_t x, std::uint8_t up) {
    switch (type) {
        case 0: case 1: return x;                                     // None; Sub: x - 0
        case 3: return static_cast<std::uint8_t>(x - (up >> 1));       // Average
        default: return static_cast<std::uint8_t>(x - up);            // Up; Paeth(0, up, 0) = up
    }
}

inline unsigned magnitude(std::uint8_t residual) {
    const int v = static_cast<std::int8_t>(residual);
    return static_cast<unsigned>(v < 0 ? -v : v);
}

// Bytes [from, n) of filter kType (from >= bpp, or from = 0 with the first
// pixel done apart): the SIMD kernels' tails and the scalar kernel's body.
template <int kType>
std::uint64_t cost_from(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t from, std::size_t n, int bpp) {
    std::uint64_t sum = 0;
    for (std::size_t i = from; i < n; ++i) sum += magnitude(residual_at<kType>(cur, prev, i, bpp));
    return sum;
}

template <int kType>
void row_from(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t from, std::size_t n, int bpp,
              std::uint8_t* out) {
    for (std::size_t i = from; i < n; ++i) out[i] = residual_at<kType>(cur, prev, i, bpp);
}

// filter_costs / filter_row over bytes [from, n); from is 0 or >= bpp.
void filter_costs_from(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t from, std::size_t n, int bpp,
                       std::uint64_t costs[5]) {
    if (from == 0) {
        const std::size_t first = std::min(n, static_cast<std::size_t>(bpp));
        for (std::size_t i = 0; i < first; ++i)
            for (int type = 0; type < 5; ++type) costs[type] += magnitude(first_pixel_residual(type, cur[i], prev[i]));
        from = first;
    }
    costs[0] += cost_from<0>(cur, prev, from, n, bpp);
    costs[1] += cost_from<1>(cur, prev, from, n, bpp);
    costs[2] += cost_from<2>(cur, prev, from, n, bpp);
    costs[3] += cost_from<3>(cur, prev, from, n, bpp);
    costs[4] += cost_from<4>(cur, prev, from, n, bpp);
}

void filter_row_from(int type, const std::uint8_t* cur, const std::uint8_t* prev, std::size_t from, std::size_t n,
                     int bpp, std::uint8_t* out) {
    if (from == 0) {
        const std::size_t first = std::min(n, static_cast<std::size_t>(bpp));
        for (std::size_t i = 0; i < first; ++i) out[i] = first_pixel_residual(type, cur[i], prev[i]);
        from = first;
    }
    switch (type) {
        case 0: row_from<0>(cur, prev, from, n, bpp, out); break;
        case 1: row_from<1>(cur, prev, from, n, bpp, out); break;
        case 2: row_from<2>(cur, prev, from, n, bpp, out); break;
        case 3: row_from<3>(cur, prev, from, n, bpp, out); break;
        default: row_from<4>(cur, prev, from, n, bpp, out); break;
    }
}

void filter_costs_scalar(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int bpp,
                         std::uint64_t costs[5]) {
    for (int type = 0; type < 5; ++type) costs[type] = 0;
    filter_costs_from(cur, prev, 0, n, bpp, costs);
}

void filter_row_scalar(int type, const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int bpp,
                       std::uint8_t* out) {
    filter_row_from(type, cur, prev, 0, n, bpp, out);
}

}  // namespace
}  // namespace frame64::png
