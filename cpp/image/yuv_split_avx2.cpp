// AVX2 YUV split and conversion kernels (compiled with -mavx2 from CMakeLists.txt's flag
// table; run only where dispatch found AVX2). In-lane byte shuffles gather
// the even and odd bytes of each 16-byte lane, a 64-bit permute joins the
// lanes; the conversions are the Q14 rule of yuv_convert.hpp in eight 32-bit
// lanes, the exact arithmetic of the scalar rows. Tails go to the scalar twin.
#include <immintrin.h>

#include "base64/base64.hpp"
#include "image/yuv_split.hpp"

namespace frame64::image {
namespace {

// Per lane: the 8 even bytes, then the 8 odd bytes.
inline __m256i even_odd(__m256i x) {
    const __m256i order = _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15,  //
                                           0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    return _mm256_shuffle_epi8(x, order);
}

void split_uv_avx2(const std::uint8_t* uv, std::uint8_t* u, std::uint8_t* v, std::size_t pairs) {
    std::size_t i = 0;
    for (; i + 32 <= pairs; i += 32) {
        const __m256i a = even_odd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(uv + 2 * i)));
        const __m256i b = even_odd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(uv + 2 * i + 32)));
        // a = [a.u0 a.v0 | a.u1 a.v1] in 64-bit quarters: gather the u quarters, then the v ones.
        const __m256i a2 = _mm256_permute4x64_epi64(a, 0xD8);  // a.u0 a.u1 a.v0 a.v1
        const __m256i b2 = _mm256_permute4x64_epi64(b, 0xD8);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(u + i), _mm256_permute2x128_si256(a2, b2, 0x20));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(v + i), _mm256_permute2x128_si256(a2, b2, 0x31));
    }
    kYuvSplitScalar.split_uv(uv + 2 * i, u + i, v + i, pairs - i);
}

// 16 packed 4:2:2 groups (64 bytes): their 32 luma samples, and 16 U then 16 V.
struct PackedGroups {
    __m256i luma, chroma;
};
inline PackedGroups gather_packed(const std::uint8_t* src, bool uyvy) {
    const __m256i a = even_odd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src)));
    const __m256i b = even_odd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 32)));
    const __m256i a2 = _mm256_permute4x64_epi64(a, 0xD8);  // evens (32 bytes over a, b), odds
    const __m256i b2 = _mm256_permute4x64_epi64(b, 0xD8);
    const __m256i evens = _mm256_permute2x128_si256(a2, b2, 0x20);
    const __m256i odds = _mm256_permute2x128_si256(a2, b2, 0x31);
    // YUYV: evens are luma, odds alternate U V; UYVY: the other way round.
    const __m256i chroma = even_odd(uyvy ? evens : odds);  // per lane: 8 U, then 8 V
    return {uyvy ? odds : evens, _mm256_permute4x64_epi64(chroma, 0xD8)};
}

void split_packed_avx2(const std::uint8_t* src, std::uint8_t* y, std::uint8_t* u, std::uint8_t* v,
                       std::size_t pairs, bool uyvy) {
    std::size_t i = 0;
    for (; i + 16 <= pairs; i += 16) {
        const PackedGroups groups = gather_packed(src + 4 * i, uyvy);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + 2 * i), groups.luma);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(u + i), _mm256_castsi256_si128(groups.chroma));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(v + i), _mm256_extracti128_si256(groups.chroma, 1));
    }
    kYuvSplitScalar.split_packed(src + 4 * i, y + 2 * i, u + i, v + i, pairs - i, uyvy);
}

// (x * k + 8192) >> 14 summed over terms is done in 32-bit lanes: the
// largest |sum| is 19077 * 239 + 3657 * 128 + 1895 * 128 < 2^23, no overflow.
inline __m256i q14(__m256i sum) { return _mm256_srai_epi32(_mm256_add_epi32(sum, _mm256_set1_epi32(8192)), 14); }

// (a, b) pairs of int16 coefficients, as madd_epi16 multiplies them with (x, y) sample pairs.
inline __m256i pair(std::int32_t a, std::int32_t b) {
    return _mm256_set1_epi32(static_cast<std::int32_t>((static_cast<std::uint32_t>(b) << 16) |
                                                       (static_cast<std::uint32_t>(a) & 0xFFFFu)));
}

// 16 int32 in unpack order (lo: samples 0-3 and 8-11, hi: 4-7 and 12-15) to
// 16 bytes in sample order, saturated to 0..255 (the clamp).
inline __m128i to_bytes(__m256i lo, __m256i hi) {
    const __m256i words = _mm256_packs_epi32(lo, hi);  // lane 0: samples 0-7, lane 1: 8-15
    return _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
}

// Every coefficient and every centred sample fits in int16 (|k| < 2^15,
// |cb|, |cr| <= 128), so each weighted sum k1 * cb + k2 * cr is one
// madd_epi16 of interleaved (cb, cr) pairs: exactly the scalar row's int32.
// A single-term Q14 product in 16-bit lanes: mulhrs_epi16(2x, k) is
// ((2xk >> 14) + 1) >> 1 = (2xk + 2^14) >> 15 = (xk + 8192) >> 14 exactly
// (floor((floor(p / m) + 1) / 2) = floor((p + m) / 2m)), for |2x| < 2^15
// and 0 <= k < 2^15. BT.601 from limited range needs only such products
// (no cross terms, no luma correction): the default for arrays.
inline __m256i q14_single(__m256i x, __m256i k) { return _mm256_mulhrs_epi16(_mm256_add_epi16(x, x), k); }

// 32 bytes widened to int16 within each 128-bit lane: lo holds samples 0-7
// and 16-23, hi 8-15 and 24-31. packus_epi16(lo', hi') then puts 32
// results back in sample order with no lane permute.
struct Words {
    __m256i lo, hi;
};
inline Words widen(__m256i bytes) {
    const __m256i zero = _mm256_setzero_si256();
    return {_mm256_unpacklo_epi8(bytes, zero), _mm256_unpackhi_epi8(bytes, zero)};
}
inline __m256i load32(const std::uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

inline bool single_term(const YuvCoefficients& k) {
    const auto q15 = [](std::int32_t c) { return c >= 0 && c < 32768; };
    return k.kyb == 0 && k.kyr == 0 && k.kbr == 0 && k.krb == 0 && q15(k.ky) && q15(k.kbb) && q15(k.krr);
}

// Limited-range BT.601 chroma (a single-term rule): (c - 128) * K in Q14, plus 128.
inline __m256i convert_single_chroma(__m256i words, __m256i k) {
    const __m256i bias16 = _mm256_set1_epi16(128);
    return _mm256_add_epi16(bias16, q14_single(_mm256_sub_epi16(words, bias16), k));
}

void convert_chroma_avx2(const std::uint8_t* u_in, const std::uint8_t* v_in, std::uint8_t* u, std::uint8_t* v,
                         std::int32_t* luma_delta, std::size_t count, const YuvCoefficients& k) {
    const __m256i bias16 = _mm256_set1_epi16(128);
    const __m256i bias = _mm256_set1_epi32(128);
    const __m256i to_u = pair(k.kbb, k.kbr), to_v = pair(k.krb, k.krr), to_delta = pair(k.kyb, k.kyr);
    std::size_t i = 0;
    if (single_term(k)) {  // no luma correction either: luma_delta is left as it is
        const __m256i kbb = _mm256_set1_epi16(static_cast<std::int16_t>(k.kbb));
        const __m256i krr = _mm256_set1_epi16(static_cast<std::int16_t>(k.krr));
        for (; i + 32 <= count; i += 32) {
            const Words cb = widen(load32(u_in + i)), cr = widen(load32(v_in + i));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(u + i), _mm256_packus_epi16(convert_single_chroma(cb.lo, kbb),
                                                                                        convert_single_chroma(cb.hi, kbb)));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(v + i), _mm256_packus_epi16(convert_single_chroma(cr.lo, krr),
                                                                                        convert_single_chroma(cr.hi, krr)));
        }
    }
    for (; i + 16 <= count; i += 16) {
        const __m256i cb = _mm256_sub_epi16(
            _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(u_in + i))), bias16);
        const __m256i cr = _mm256_sub_epi16(
            _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v_in + i))), bias16);
        const __m256i lo = _mm256_unpacklo_epi16(cb, cr);  // pairs of samples 0-3 and 8-11
        const __m256i hi = _mm256_unpackhi_epi16(cb, cr);  // pairs of samples 4-7 and 12-15
        const auto out = [&](__m256i weights, __m256i pairs) {
            return _mm256_add_epi32(bias, q14(_mm256_madd_epi16(pairs, weights)));
        };
        _mm_storeu_si128(reinterpret_cast<__m128i*>(u + i), to_bytes(out(to_u, lo), out(to_u, hi)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(v + i), to_bytes(out(to_v, lo), out(to_v, hi)));
        const __m256i delta_lo = _mm256_madd_epi16(lo, to_delta), delta_hi = _mm256_madd_epi16(hi, to_delta);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(luma_delta + i), _mm256_permute2x128_si256(delta_lo, delta_hi, 0x20));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(luma_delta + i + 8),
                            _mm256_permute2x128_si256(delta_lo, delta_hi, 0x31));
    }
    convert_chroma_row(u_in + i, v_in + i, u + i, v + i, luma_delta + i, count - i, k);
}

void convert_luma_avx2(const std::uint8_t* in, std::uint8_t* out, const std::int32_t* luma_delta, std::size_t width,
                       const YuvCoefficients& k) {
    // (y - offset, 1) . (KY, 8192) with one madd per 8 samples: KY * (y - offset) + 8192 exactly (KY < 2^15).
    const __m256i weights = _mm256_set1_epi32(static_cast<std::int32_t>((8192u << 16) | static_cast<std::uint32_t>(k.ky)));
    const __m256i offset = _mm256_set1_epi16(static_cast<std::int16_t>(k.range == kYuvRangeLimited ? 16 : 0));
    const __m256i ones = _mm256_set1_epi16(1);
    // unpacklo/hi work per 128-bit lane: lo holds samples 0-3 and 8-11, hi 4-7 and 12-15;
    // their deltas are luma_delta[x/2 + (0,0,1,1,4,4,5,5)] and [x/2 + (2,2,3,3,6,6,7,7)].
    const __m256i lo_pairs = _mm256_setr_epi32(0, 0, 1, 1, 4, 4, 5, 5);
    const __m256i hi_pairs = _mm256_setr_epi32(2, 2, 3, 3, 6, 6, 7, 7);
    std::size_t x = 0;
    if (single_term(k)) {
        // luma_delta is all zero: Y' = clamp((KY * y + 8192) >> 14) alone. The
        // offset is taken off with unsigned saturation, max(Y - offset, 0):
        // where Y < offset the rule's result is negative (KY * -1 + 8192 < 0),
        // clamped to 0, and (KY * 0 + 8192) >> 14 is 0 too.
        const __m256i ky = _mm256_set1_epi16(static_cast<std::int16_t>(k.ky));
        const __m256i offset8 = _mm256_set1_epi8(static_cast<char>(k.range == kYuvRangeLimited ? 16 : 0));
        for (; x + 32 <= width; x += 32) {
            const Words y = widen(_mm256_subs_epu8(load32(in + x), offset8));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + x),
                                _mm256_packus_epi16(q14_single(y.lo, ky), q14_single(y.hi, ky)));
        }
    }
    for (; x + 16 <= width; x += 16) {
        const __m256i y = _mm256_sub_epi16(
            _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + x))), offset);
        const __m256i delta = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(luma_delta + x / 2));
        const __m256i lo = _mm256_srai_epi32(
            _mm256_add_epi32(_mm256_madd_epi16(_mm256_unpacklo_epi16(y, ones), weights),
                             _mm256_permutevar8x32_epi32(delta, lo_pairs)), 14);
        const __m256i hi = _mm256_srai_epi32(
            _mm256_add_epi32(_mm256_madd_epi16(_mm256_unpackhi_epi16(y, ones), weights),
                             _mm256_permutevar8x32_epi32(delta, hi_pairs)), 14);
        // packs keeps the lanes: lane 0 = samples 0-7, lane 1 = 8-15, in order.
        const __m256i words = _mm256_packs_epi32(lo, hi);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x),
                         _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1)));
    }
    // The tail: x is even, so the scalar row's delta[(x + j) >> 1] is luma_delta[x / 2 + (j >> 1)].
    convert_luma_row(in + x, out + x, luma_delta + x / 2, width - x, k);
}

// One packed 4:2:2 row split and converted in a single pass when the rule
// is single-term (limited-range BT.601, the default for arrays): the same
// gathers as split_packed_avx2, then the luma and chroma products of
// convert_luma_avx2 and convert_chroma_avx2 on the registers before the
// stores. Other rules take the three steps one after the other.
void split_packed_convert_avx2(const std::uint8_t* src, std::uint8_t* y, std::uint8_t* u, std::uint8_t* v,
                               std::int32_t* luma_delta, std::size_t pairs, bool uyvy, const YuvCoefficients& k) {
    if (!single_term(k)) {
        split_then_convert<split_packed_avx2, convert_chroma_avx2, convert_luma_avx2>(src, y, u, v, luma_delta, pairs,
                                                                                      uyvy, k);
        return;
    }
    const __m256i ky = _mm256_set1_epi16(static_cast<std::int16_t>(k.ky));
    const __m256i offset8 = _mm256_set1_epi8(static_cast<char>(k.range == kYuvRangeLimited ? 16 : 0));
    // The chroma register holds 16 U in its low lane and 16 V in its high one.
    const __m256i kc = _mm256_setr_m128i(_mm_set1_epi16(static_cast<std::int16_t>(k.kbb)),
                                         _mm_set1_epi16(static_cast<std::int16_t>(k.krr)));
    std::size_t i = 0;
    for (; i + 16 <= pairs; i += 16) {
        const PackedGroups groups = gather_packed(src + 4 * i, uyvy);
        const Words yw = widen(_mm256_subs_epu8(groups.luma, offset8));
        const Words cw = widen(groups.chroma);  // per lane: samples 0-7 (lo) and 8-15 (hi), U in lane 0, V in lane 1
        const __m256i chroma = _mm256_packus_epi16(convert_single_chroma(cw.lo, kc), convert_single_chroma(cw.hi, kc));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + 2 * i),
                            _mm256_packus_epi16(q14_single(yw.lo, ky), q14_single(yw.hi, ky)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(u + i), _mm256_castsi256_si128(chroma));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(v + i), _mm256_extracti128_si256(chroma, 1));
    }
    kYuvSplitScalar.split_packed_convert(src + 4 * i, y + 2 * i, u + i, v + i, luma_delta + i, pairs - i, uyvy, k);
}

}  // namespace

extern const YuvSplitKernel kYuvSplitAvx2;
const YuvSplitKernel kYuvSplitAvx2 = {"avx2",           base64::kFeatureAVX2, split_uv_avx2,
                                      split_packed_avx2, convert_chroma_avx2, convert_luma_avx2,
                                      split_packed_convert_avx2};

}  // namespace frame64::image
