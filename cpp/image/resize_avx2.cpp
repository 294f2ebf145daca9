// AVX2 row passes of the area filter: the same integer arithmetic as
// resize_scalar.cpp (definition in resize.hpp), so the pixels are identical.
// Compiled with -mavx2 (the flag table in CMakeLists.txt); run only when
// cpuid and xgetbv report AVX2.
#include <immintrin.h>

#include <cstdint>

#include "base64/base64.hpp"
#include "image/resize.hpp"

namespace frame64::image {
namespace {

// Two source rows' bytes, interleaved as 16-bit pairs, times their weight
// pair (vpmaddwd): 32 columns into four int32 vectors (lane order fixed by pack).
inline void accumulate_pair(__m256i a, __m256i b, __m256i weight_pair, __m256i acc[4]) {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i lo = _mm256_unpacklo_epi8(a, b);  // a0 b0 .. a7 b7 | a16 b16 .. a23 b23
    const __m256i hi = _mm256_unpackhi_epi8(a, b);  // a8 b8 .. a15 b15 | a24 .. a31
    acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(_mm256_unpacklo_epi8(lo, zero), weight_pair));  // 0-3 | 16-19
    acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(_mm256_unpackhi_epi8(lo, zero), weight_pair));  // 4-7 | 20-23
    acc[2] = _mm256_add_epi32(acc[2], _mm256_madd_epi16(_mm256_unpacklo_epi8(hi, zero), weight_pair));  // 8-11 | 24-27
    acc[3] = _mm256_add_epi32(acc[3], _mm256_madd_epi16(_mm256_unpackhi_epi8(hi, zero), weight_pair));  // 12-15 | 28-31
}

inline __m256i weight_pair(std::int16_t first, std::int16_t second) {
    return _mm256_set1_epi32(static_cast<std::int32_t>(static_cast<std::uint16_t>(first)) |
                             (static_cast<std::int32_t>(static_cast<std::uint16_t>(second)) << 16));
}

void vertical_avx2(const std::uint8_t* const* rows, const std::int16_t* weights, int count, std::size_t length,
                   std::int16_t* out) {
    constexpr std::int32_t kRound = 1 << (kIntermediateBits - 1);
    const __m256i round = _mm256_set1_epi32(kRound);
    std::size_t j = 0;
    for (; j + 32 <= length; j += 32) {
        __m256i acc[4] = {round, round, round, round};
        int k = 0;
        for (; k + 2 <= count; k += 2) {
            const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[k] + j));
            const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[k + 1] + j));
            accumulate_pair(a, b, weight_pair(weights[k], weights[k + 1]), acc);
        }
        if (k < count) {  // an odd last row, paired with zeros
            const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[k] + j));
            accumulate_pair(a, _mm256_setzero_si256(), weight_pair(weights[k], 0), acc);
        }
        for (__m256i& v : acc) v = _mm256_srai_epi32(v, kIntermediateBits);
        const __m256i p01 = _mm256_packs_epi32(acc[0], acc[1]);  // 0-7 | 16-23 (no saturation: <= 32640)
        const __m256i p23 = _mm256_packs_epi32(acc[2], acc[3]);  // 8-15 | 24-31
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + j), _mm256_permute2x128_si256(p01, p23, 0x20));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + j + 16), _mm256_permute2x128_si256(p01, p23, 0x31));
    }
    vertical_scalar(rows, weights, count, j, length, out);  // the tail
}

// Two adjacent output pixels per step, one per 128-bit lane: each lane loads
// two taps of 3 or 4 channels (8 int16 from the zero-padded row), shuffles
// them into (tap t, tap t+1) pairs per channel and multiplies by that
// pixel's weight pair (from axis.lanes, see prepare_lanes): four int32
// channel sums per lane. kTaps > 0 fixes the tap count (unrolled); 0 reads it.
template <int kChannels, int kTaps>
void horizontal_pairs(const std::int16_t* row, const AxisTaps& axis, std::uint8_t* out, int end) {
    constexpr int kShift = kWeightBits + kIntermediateBits;
    // Bytes of (t0c0 t1c0 t0c1 t1c1 t0c2 t1c2 t0c3 t1c3) in a load of t0c0 t0c1 ...
    const __m256i shuffle = kChannels == 4
        ? _mm256_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15,
                           0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15)
        : _mm256_setr_epi8(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, -1, -1, -1, -1,
                           0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, -1, -1, -1, -1);
    const __m256i round = _mm256_set1_epi32(1 << (kShift - 1));
    // The four low bytes of each lane: the 4 channel results, packed (the
    // fourth is 0 for 3 channels: the shuffle zeroed that product).
    const __m256i gather = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                            0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const int taps = kTaps > 0 ? kTaps : axis.taps;
    const __m256i* lanes = reinterpret_cast<const __m256i*>(axis.lanes.data());
    for (int x = 0; x + 2 <= end; x += 2) {
        const std::int16_t* first0 = row + static_cast<std::size_t>(axis.start[x]) * kChannels;
        const std::int16_t* first1 = row + static_cast<std::size_t>(axis.start[x + 1]) * kChannels;
        const __m256i* weight = lanes + static_cast<std::size_t>(x / 2) * (taps / 2);
        __m256i acc = round;
        for (int t = 0; t < taps; t += 2) {
            const __m256i samples = _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(first1 + t * kChannels),
                                                        reinterpret_cast<const __m128i*>(first0 + t * kChannels));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_shuffle_epi8(samples, shuffle),
                                                          _mm256_loadu_si256(weight + t / 2)));
        }
        const __m256i bytes = _mm256_shuffle_epi8(_mm256_srli_epi32(acc, kShift), gather);  // values <= 255
        const std::uint32_t p0 = static_cast<std::uint32_t>(_mm256_extract_epi32(bytes, 0));
        const std::uint32_t p1 = static_cast<std::uint32_t>(_mm256_extract_epi32(bytes, 4));
        // Whole 4-byte stores: for 3 channels the fourth byte lands on the
        // next pixel, which is written after (p1 after p0; pixel x + 2 later
        // in this row when it exists, else only 3 bytes: the row ends there).
        __builtin_memcpy(out + x * kChannels, &p0, 4);
        if (kChannels == 4 || x + 2 < axis.output)
            __builtin_memcpy(out + (x + 1) * kChannels, &p1, 4);
        else
            __builtin_memcpy(out + (x + 1) * kChannels, &p1, kChannels);
    }
}

template <int kChannels>
void horizontal_channels(const std::int16_t* row, const AxisTaps& axis, std::uint8_t* out, int end) {
    switch (axis.taps) {  // the usual counts, unrolled
        case 2: return horizontal_pairs<kChannels, 2>(row, axis, out, end);
        case 4: return horizontal_pairs<kChannels, 4>(row, axis, out, end);
        case 6: return horizontal_pairs<kChannels, 6>(row, axis, out, end);
        default: return horizontal_pairs<kChannels, 0>(row, axis, out, end);
    }
}

void horizontal_avx2(const std::int16_t* row, const AxisTaps& axis, int channels, std::uint8_t* out) {
    int done = 0;
    const int pairs_end = axis.output & ~1;
    if (channels == 3) {
        horizontal_channels<3>(row, axis, out, pairs_end);
        done = pairs_end;
    } else if (channels == 4) {
        horizontal_channels<4>(row, axis, out, pairs_end);
        done = pairs_end;
    }
    horizontal_scalar(row, axis, channels, done, out);  // one channel, or the odd last pixel
}

// axis.lanes for horizontal_pairs: per pixel pair (x, x + 1) and tap pair
// (t, t + 1), one vector of the int16 weight pair of x four times, then that
// of x + 1 four times (vpmaddwd's operand for both lanes), so the loop loads
// it whole instead of building it per pixel.
void prepare_lanes(AxisTaps& axis, int channels) {
    axis.lanes.clear();
    if (channels != 3 && channels != 4) return;
    const int pairs = axis.output / 2;
    axis.lanes.resize(static_cast<std::size_t>(pairs) * (axis.taps / 2) * 8);
    std::int32_t* lane = axis.lanes.data();
    for (int p = 0; p < pairs; ++p) {
        for (int t = 0; t < axis.taps; t += 2) {
            for (int half = 0; half < 2; ++half) {
                const std::int16_t* w = &axis.weights[static_cast<std::size_t>(2 * p + half) * axis.taps + t];
                const std::int32_t pair = static_cast<std::int32_t>(static_cast<std::uint16_t>(w[0]) |
                                                                    (static_cast<std::uint32_t>(static_cast<std::uint16_t>(w[1])) << 16));
                for (int k = 0; k < 4; ++k) *lane++ = pair;
            }
        }
    }
}

}  // namespace

extern const ResizeKernel kAvx2ResizeKernel;
const ResizeKernel kAvx2ResizeKernel = {"avx2", base64::kFeatureAVX2, vertical_avx2, horizontal_avx2, prepare_lanes};

}  // namespace frame64::image
