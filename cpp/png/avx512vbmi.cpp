// AVX-512 VBMI PNG kernel: run search, the Up filter with the BGR -> RGB
// swap, and literal packing, 64 bytes at a time.
//
// Packing: vpermi2b looks up a 128-entry byte table from two registers, so
// two lookups and a blend on the index's top bit read a 256-entry table; the
// low code byte, the high code byte and the length of 64 literals take three
// such reads. Neighbouring codes are then merged with variable shifts, two
// 16-bit codes into one 32-bit word and two of those into one 64-bit word of
// at most 4 * 14 = 56 bits, and the 16 words go out with the scalar
// bit sink (one 8-byte store each).
//
// Compiled with -mavx512f -mavx512bw -mavx512vbmi only; png/dispatch.cpp runs
// it only when cpuid and xgetbv say so. Tails use the scalar loops.
#include <immintrin.h>

#include "base64/base64.hpp"  // Feature bits
#include "png/kernel_common.hpp"
#include "png/simd_filters.hpp"

namespace frame64::png {
namespace {

std::size_t find_run_avx512(const std::uint8_t* data, std::size_t from, std::size_t end) {
    std::size_t k = from;
    for (; k + 64 <= end; k += 62) {
        const __m512i cur = _mm512_loadu_si512(data + k);
        const __m512i prev = _mm512_loadu_si512(data + k - 1);
        const std::uint64_t eq = _mm512_cmpeq_epi8_mask(cur, prev);
        const std::uint64_t triple = eq & (eq >> 1) & (eq >> 2) & ((std::uint64_t{1} << 62) - 1);
        if (triple != 0) return k + static_cast<std::size_t>(__builtin_ctzll(triple));
    }
    return find_run_scalar(data, k, end);
}

struct Table256 {
    __m512i part[4];
    explicit Table256(const std::uint8_t* bytes) {
        for (int i = 0; i < 4; ++i) part[i] = _mm512_load_si512(bytes + 64 * i);
    }
    __m512i lookup(__m512i index, __mmask64 upper) const {
        const __m512i low = _mm512_permutex2var_epi8(part[0], index, part[1]);
        const __m512i high = _mm512_permutex2var_epi8(part[2], index, part[3]);
        return _mm512_mask_blend_epi8(upper, low, high);
    }
};

// Two neighbouring codes of each wider lane merged: low | high << low_length.
inline void merge32(__m512i& code, __m512i& length) {
    const __m512i mask = _mm512_set1_epi32(0xFFFF);
    const __m512i low_length = _mm512_and_si512(length, mask);
    code = _mm512_or_si512(_mm512_and_si512(code, mask), _mm512_sllv_epi32(_mm512_srli_epi32(code, 16), low_length));
    length = _mm512_add_epi32(low_length, _mm512_srli_epi32(length, 16));
}
inline void merge64(__m512i& code, __m512i& length) {
    const __m512i mask = _mm512_set1_epi64(0xFFFFFFFF);
    const __m512i low_length = _mm512_and_si512(length, mask);
    code = _mm512_or_si512(_mm512_and_si512(code, mask), _mm512_sllv_epi64(_mm512_srli_epi64(code, 32), low_length));
    length = _mm512_add_epi64(low_length, _mm512_srli_epi64(length, 32));
}

void pack_literals_avx512(const std::uint8_t* data, std::size_t n, const LiteralCodes& codes, BitSink& sink) {
    const Table256 low_table(codes.low), high_table(codes.high), length_table(codes.length);
    const __m512i zero = _mm512_setzero_si512();
    BitSink local = sink;
    alignas(64) std::uint64_t words[2][8];
    alignas(64) std::uint64_t lengths[2][8];
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m512i index = _mm512_loadu_si512(data + i);
        const __mmask64 upper = _mm512_movepi8_mask(index);
        const __m512i low = low_table.lookup(index, upper);
        const __m512i high = high_table.lookup(index, upper);
        const __m512i length = length_table.lookup(index, upper);
        // unpacklo/hi interleave within 128-bit lanes: `first` holds bytes
        // 0-7 of each lane as 16-bit codes, `second` bytes 8-15.
        __m512i code_first = _mm512_unpacklo_epi8(low, high), code_second = _mm512_unpackhi_epi8(low, high);
        __m512i length_first = _mm512_unpacklo_epi8(length, zero), length_second = _mm512_unpackhi_epi8(length, zero);
        merge32(code_first, length_first);
        merge32(code_second, length_second);
        merge64(code_first, length_first);
        merge64(code_second, length_second);
        _mm512_store_si512(words[0], code_first);
        _mm512_store_si512(words[1], code_second);
        _mm512_store_si512(lengths[0], length_first);
        _mm512_store_si512(lengths[1], length_second);
        // Lane l of the input is words[0][2l], words[0][2l+1], words[1][2l], words[1][2l+1].
        for (int lane = 0; lane < 4; ++lane) {
            sink_put(local, words[0][2 * lane], static_cast<unsigned>(lengths[0][2 * lane]));
            sink_put(local, words[0][2 * lane + 1], static_cast<unsigned>(lengths[0][2 * lane + 1]));
            sink_put(local, words[1][2 * lane], static_cast<unsigned>(lengths[1][2 * lane]));
            sink_put(local, words[1][2 * lane + 1], static_cast<unsigned>(lengths[1][2 * lane + 1]));
        }
    }
    pack_literals_scalar(data + i, n - i, codes, local);
    sink = local;
}

void filter_up_avx512(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t width, int channels, bool swap,
                      std::uint8_t* out) {
    const std::size_t n = width * static_cast<std::size_t>(channels);
    std::size_t i = 0;
    auto diff = [&](std::size_t at) {
        return _mm512_sub_epi8(_mm512_loadu_si512(cur + at), _mm512_loadu_si512(prev + at));
    };
    if (!swap || channels < 3) {
        for (; i + 64 <= n; i += 64) _mm512_storeu_si512(out + i, diff(i));
        filter_up_scalar(cur + i, prev + i, n - i, 1, false, out + i);
        return;
    }
    // Whole pixels per step: 16 of 4 bytes, or 21 of 3 bytes (63 bytes; the
    // 64th byte stored is rewritten by the next step or the tail).
    const std::size_t step = channels == 4 ? 64 : 63;
    alignas(64) std::uint8_t order_bytes[64];
    for (int b = 0; b < 64; ++b) {
        const int in_pixel = b % channels, pixel_start = b - in_pixel;
        order_bytes[b] = static_cast<std::uint8_t>(b >= static_cast<int>(step) ? b
                                                   : in_pixel == 0        ? pixel_start + 2
                                                   : in_pixel == 2        ? pixel_start
                                                                          : b);
    }
    const __m512i order = _mm512_load_si512(order_bytes);
    for (; i + 64 <= n; i += step) _mm512_storeu_si512(out + i, _mm512_permutexvar_epi8(order, diff(i)));
    filter_up_scalar(cur + i, prev + i, width - i / static_cast<std::size_t>(channels), channels, true, out + i);
}

struct Avx512Ops {
    using V = __m512i;
    using M = __mmask64;
    using Acc = __m512i;
    static constexpr std::size_t kWidth = 64;
    static V load(const std::uint8_t* p) { return _mm512_loadu_si512(p); }
    static void store(std::uint8_t* p, V v) { _mm512_storeu_si512(p, v); }
    static V sub(V x, V y) { return _mm512_sub_epi8(x, y); }
    static V subs(V x, V y) { return _mm512_subs_epu8(x, y); }
    static V adds(V x, V y) { return _mm512_adds_epu8(x, y); }
    static V avg(V x, V y) { return _mm512_avg_epu8(x, y); }
    static V bit_or(V x, V y) { return _mm512_or_si512(x, y); }
    static V bit_and(V x, V y) { return _mm512_and_si512(x, y); }
    static V bit_xor(V x, V y) { return _mm512_xor_si512(x, y); }
    static V ones() { return _mm512_set1_epi8(1); }
    static M le(V x, V y) { return _mm512_cmple_epu8_mask(x, y); }
    static M same(M p, M q) { return static_cast<M>(~(p ^ q)); }
    static M both(M p, M q) { return p & q; }
    static V select(M m, V if_true, V if_false) { return _mm512_mask_blend_epi8(m, if_false, if_true); }
    static Acc zero_acc() { return _mm512_setzero_si512(); }
    static Acc accumulate(Acc acc, V residual) {
        return _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_abs_epi8(residual), _mm512_setzero_si512()));
    }
    static std::uint64_t total(Acc acc) { return static_cast<std::uint64_t>(_mm512_reduce_add_epi64(acc)); }
};

}  // namespace

extern const PngKernel kPngAvx512VbmiKernel;
const PngKernel kPngAvx512VbmiKernel{"avx512vbmi", base64::kFeatureAVX512VBMI, find_run_avx512, pack_literals_avx512,
                                     filter_up_avx512, FilterSimd<Avx512Ops>::costs, FilterSimd<Avx512Ops>::row};

}  // namespace frame64::png
