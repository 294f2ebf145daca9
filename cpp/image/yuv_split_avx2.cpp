// AVX2 YUV split kernels (compiled with -mavx2 from CMakeLists.txt's flag
// table; run only where dispatch found AVX2). In-lane byte shuffles gather
// the even and odd bytes of each 16-byte lane, a 64-bit permute joins the
// lanes; the tail is left to the scalar twin.
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

void split_packed_avx2(const std::uint8_t* src, std::uint8_t* y, std::uint8_t* u, std::uint8_t* v,
                       std::size_t pairs, bool uyvy) {
    std::size_t i = 0;
    // 16 groups (64 bytes) per step: 32 luma, 16 of each chroma.
    for (; i + 16 <= pairs; i += 16) {
        const __m256i a = even_odd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 4 * i)));
        const __m256i b = even_odd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 4 * i + 32)));
        const __m256i a2 = _mm256_permute4x64_epi64(a, 0xD8);  // evens (32 bytes over a, b), odds
        const __m256i b2 = _mm256_permute4x64_epi64(b, 0xD8);
        const __m256i evens = _mm256_permute2x128_si256(a2, b2, 0x20);
        const __m256i odds = _mm256_permute2x128_si256(a2, b2, 0x31);
        // YUYV: evens are luma, odds alternate U V; UYVY: the other way round.
        const __m256i luma = uyvy ? odds : evens;
        const __m256i chroma = even_odd(uyvy ? evens : odds);  // per lane: 8 U, then 8 V
        const __m256i c2 = _mm256_permute4x64_epi64(chroma, 0xD8);  // 16 U, then 16 V
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + 2 * i), luma);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(u + i), _mm256_castsi256_si128(c2));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(v + i), _mm256_extracti128_si256(c2, 1));
    }
    kYuvSplitScalar.split_packed(src + 4 * i, y + 2 * i, u + i, v + i, pairs - i, uyvy);
}

}  // namespace

extern const YuvSplitKernel kYuvSplitAvx2;
const YuvSplitKernel kYuvSplitAvx2 = {"avx2", base64::kFeatureAVX2, split_uv_avx2, split_packed_avx2};

}  // namespace frame64::image
