// AVX2 PNG kernel: run search and the Up filter (with the BGR -> RGB swap)
// 32 bytes at a time. Literal packing is the scalar loop: AVX2 has no byte
// lookup in a 256-entry table (vpshufb indexes 16 entries), so the AVX-512
// VBMI kernel is the one that packs in SIMD.
//
// Compiled with -mavx2 only; png/dispatch.cpp runs it only when cpuid and
// xgetbv say so. Tails use the scalar loops, so no access leaves the rows.
#include <immintrin.h>

#include "base64/base64.hpp"  // Feature bits
#include "png/kernel_common.hpp"
#include "png/simd_filters.hpp"

namespace frame64::png {
namespace {

// Bit k set where data[k] == data[k - 1], for k in [at, at + 32).
inline std::uint64_t equal_to_previous(const std::uint8_t* data, std::size_t at) {
    const __m256i cur = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + at));
    const __m256i prev = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + at - 1));
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(cur, prev)));
}

std::size_t find_run_avx2(const std::uint8_t* data, std::size_t from, std::size_t end) {
    std::size_t k = from;
    // 64 equality bits per step give the triple test for 62 positions.
    for (; k + 64 <= end; k += 62) {
        const std::uint64_t eq = equal_to_previous(data, k) | equal_to_previous(data, k + 32) << 32;
        const std::uint64_t triple = eq & (eq >> 1) & (eq >> 2) & ((std::uint64_t{1} << 62) - 1);
        if (triple != 0) return k + static_cast<std::size_t>(__builtin_ctzll(triple));
    }
    return find_run_scalar(data, k, end);
}

void filter_up_avx2(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t width, int channels, bool swap,
                    std::uint8_t* out) {
    const std::size_t n = width * static_cast<std::size_t>(channels);
    std::size_t i = 0;
    auto diff = [&](std::size_t at) {
        return _mm256_sub_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(cur + at)),
                               _mm256_loadu_si256(reinterpret_cast<const __m256i*>(prev + at)));
    };
    if (!swap || channels < 3) {
        for (; i + 32 <= n; i += 32) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), diff(i));
    } else if (channels == 4) {
        const __m256i order = _mm256_setr_epi8(2, 1, 0, 3, 6, 5, 4, 7, 10, 9, 8, 11, 14, 13, 12, 15,  //
                                               2, 1, 0, 3, 6, 5, 4, 7, 10, 9, 8, 11, 14, 13, 12, 15);
        for (; i + 32 <= n; i += 32)
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_shuffle_epi8(diff(i), order));
    } else {
        // Five whole pixels (15 bytes) per 128-bit lane: the lanes load from
        // i and i + 15, and each store's 16th byte is rewritten by the next.
        const __m256i order = _mm256_setr_epi8(2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9, 14, 13, 12, 15,  //
                                               2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9, 14, 13, 12, 15);
        auto load2 = [](const std::uint8_t* p) {
            const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 15));
            return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
        };
        for (; i + 31 <= n; i += 30) {
            const __m256i d = _mm256_shuffle_epi8(_mm256_sub_epi8(load2(cur + i), load2(prev + i)), order);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm256_castsi256_si128(d));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 15), _mm256_extracti128_si256(d, 1));
        }
    }
    if (!swap || channels < 3)
        filter_up_scalar(cur + i, prev + i, n - i, 1, false, out + i);
    else
        filter_up_scalar(cur + i, prev + i, width - i / static_cast<std::size_t>(channels), channels, true, out + i);
}

struct Avx2Ops {
    using V = __m256i;
    using M = __m256i;  // 0xFF bytes where true
    using Acc = __m256i;
    static constexpr std::size_t kWidth = 32;
    static V load(const std::uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
    static void store(std::uint8_t* p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
    static V sub(V x, V y) { return _mm256_sub_epi8(x, y); }
    static V subs(V x, V y) { return _mm256_subs_epu8(x, y); }
    static V adds(V x, V y) { return _mm256_adds_epu8(x, y); }
    static V avg(V x, V y) { return _mm256_avg_epu8(x, y); }
    static V bit_or(V x, V y) { return _mm256_or_si256(x, y); }
    static V bit_and(V x, V y) { return _mm256_and_si256(x, y); }
    static V bit_xor(V x, V y) { return _mm256_xor_si256(x, y); }
    static V ones() { return _mm256_set1_epi8(1); }
    static M le(V x, V y) { return _mm256_cmpeq_epi8(_mm256_min_epu8(x, y), x); }  // unsigned x <= y
    static M same(M p, M q) { return _mm256_cmpeq_epi8(p, q); }
    static M both(M p, M q) { return _mm256_and_si256(p, q); }
    static V select(M m, V if_true, V if_false) { return _mm256_blendv_epi8(if_false, if_true, m); }
    static Acc zero_acc() { return _mm256_setzero_si256(); }
    static Acc accumulate(Acc acc, V residual) {
        return _mm256_add_epi64(acc, _mm256_sad_epu8(_mm256_abs_epi8(residual), _mm256_setzero_si256()));
    }
    static std::uint64_t total(Acc acc) {
        alignas(32) std::uint64_t lanes[4];
        _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc);
        return lanes[0] + lanes[1] + lanes[2] + lanes[3];
    }
};

}  // namespace

extern const PngKernel kPngAvx2Kernel;
const PngKernel kPngAvx2Kernel{"avx2", base64::kFeatureAVX2, find_run_avx2, pack_literals_scalar, filter_up_avx2,
                                FilterSimd<Avx2Ops>::costs, FilterSimd<Avx2Ops>::row};

}  // namespace frame64::png
