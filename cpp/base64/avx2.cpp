// AVX2 base64 kernel, after W. Muła and D. Lemire, "Faster Base64 Encoding
// and Decoding Using AVX2 Instructions", ACM TWEB 12(3), 2018.
//
// Encode: 24 input bytes per step. A byte shuffle puts each 3-byte group
// (a, b, c) into a 32-bit word as [b, a, c, b]; two 16-bit multiplies then
// move the four 6-bit fields into four bytes, and a 16-entry offset table
// indexed by a reduced form of each index turns indices into ASCII.
// Decode: 32 chars per step. Two nibble lookups validate the block, a third
// maps each char to its 6-bit value, and multiply-adds pack four values
// into 24 bits per 32-bit word before a shuffle compacts the bytes.
//
// Compiled with -mavx2 only; dispatch.cpp runs it only when cpuid and xgetbv
// say so. Tails go through the scalar loops, so no access leaves the buffers.
#include <immintrin.h>

#include "base64/kernel_common.hpp"

namespace frame64::base64 {
namespace {

// Per-lane byte positions for [b, a, c, b] of the four groups in a lane.
__m256i encode_shuffle() {
    return _mm256_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,  //
                            1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
}

// Indices (0..63 in each byte) -> ASCII for any c62/c63 (paper, section 3.2:
// saturating subtract by 51 and a compare reduce each index to 0..13, and
// pshufb fetches the offset to add).
__m256i indices_to_ascii(__m256i indices, __m256i offsets) {
    __m256i reduced = _mm256_subs_epu8(indices, _mm256_set1_epi8(51));  // 0 for 0..51, 1..12 for 52..63
    const __m256i is_upper = _mm256_cmpgt_epi8(_mm256_set1_epi8(26), indices);
    reduced = _mm256_or_si256(reduced, _mm256_and_si256(is_upper, _mm256_set1_epi8(13)));
    return _mm256_add_epi8(indices, _mm256_shuffle_epi8(offsets, reduced));
}

void avx2_encode(const std::uint8_t* src, std::size_t n, char* dst, Alphabet alphabet) {
    const EncodeTable table(alphabet);
    const auto shift = [](int target, int base) { return static_cast<char>(target - base); };
    const __m128i lane_offsets = _mm_setr_epi8(shift('a', 26), shift('0', 52), shift('0', 52), shift('0', 52),
                                               shift('0', 52), shift('0', 52), shift('0', 52), shift('0', 52),
                                               shift('0', 52), shift('0', 52), shift('0', 52),
                                               shift(static_cast<unsigned char>(alphabet.c62), 62),
                                               shift(static_cast<unsigned char>(alphabet.c63), 63), 'A', 0, 0);
    const __m256i offsets = _mm256_broadcastsi128_si256(lane_offsets);
    const __m256i shuffle = encode_shuffle();

    std::size_t i = 0;
    // Each step reads 28 bytes (two 16-byte loads, 12 apart) and uses 24.
    for (; i + 28 <= n; i += 24) {
        const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 12));
        __m256i in = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
        in = _mm256_shuffle_epi8(in, shuffle);
        // Section 3.1: mulhi moves a>>2 and the b/c field into bytes 0 and 2,
        // mullo moves the a/b field and c&63 into bytes 1 and 3.
        const __m256i t0 = _mm256_and_si256(in, _mm256_set1_epi32(0x0FC0FC00));
        const __m256i t1 = _mm256_mulhi_epu16(t0, _mm256_set1_epi32(0x04000040));
        const __m256i t2 = _mm256_and_si256(in, _mm256_set1_epi32(0x003F03F0));
        const __m256i t3 = _mm256_mullo_epi16(t2, _mm256_set1_epi32(0x01000010));
        const __m256i ascii = indices_to_ascii(_mm256_or_si256(t1, t3), offsets);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i / 3 * 4), ascii);
    }
    encode_scalar(src + i, n - i, dst + i / 3 * 4, table);
}

// Decode tables (paper, section 4). A char is invalid when the class bit of
// its high nibble is also set in the entry of its low nibble.
//   high nibble 2: only '+' (B) and '/' (F) are valid     -> class 0x01
//   high nibble 3: only '0'..'9'                          -> class 0x02
//   high nibble 4 and 6: all but 0 ('@', '`')             -> class 0x04
//   high nibble 5 and 7: only 0..A ('P'..'Z', 'p'..'z')   -> class 0x08
//   any other high nibble (including >= 0x80): none       -> class 0x10
__m256i low_nibble_invalid() {
    const __m128i table = _mm_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,  //
                                        0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    return _mm256_broadcastsi128_si256(table);
}

__m256i high_nibble_class() {
    const __m128i table = _mm_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,  //
                                        0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    return _mm256_broadcastsi128_si256(table);
}

// Offset to add to a valid char, by high nibble; '/' (high nibble 2) is moved
// to slot 1 by adding its compare mask (-1).
__m256i value_offsets() {
    const __m128i table = _mm_setr_epi8(0, 63 - '/', 62 - '+', 52 - '0', 0 - 'A', 0 - 'A', 26 - 'a', 26 - 'a',  //
                                        0, 0, 0, 0, 0, 0, 0, 0);
    return _mm256_broadcastsi128_si256(table);
}

std::size_t avx2_decode_prefix(const char* src, std::size_t n, std::uint8_t* dst) {
    const __m256i lut_lo = low_nibble_invalid();
    const __m256i lut_hi = high_nibble_class();
    const __m256i lut_roll = value_offsets();
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    // Bytes 2,1,0 of each 32-bit word, in the low 12 bytes of each lane.
    const __m256i pack_shuffle = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,  //
                                                  2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i pack_lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);

    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i in = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        const __m256i hi = _mm256_and_si256(_mm256_srli_epi32(in, 4), nibble);
        const __m256i lo = _mm256_and_si256(in, nibble);
        const __m256i invalid = _mm256_and_si256(_mm256_shuffle_epi8(lut_lo, lo), _mm256_shuffle_epi8(lut_hi, hi));
        if (!_mm256_testz_si256(invalid, invalid)) break;
        const __m256i is_slash = _mm256_cmpeq_epi8(in, _mm256_set1_epi8('/'));
        const __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(is_slash, hi));
        const __m256i values = _mm256_add_epi8(in, roll);
        // Section 4.3: (v0 << 6 | v1) per 16 bits, then (.. << 12 | v2v3) per 32 bits.
        const __m256i pairs = _mm256_maddubs_epi16(values, _mm256_set1_epi32(0x01400140));
        const __m256i groups = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
        const __m256i packed = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(groups, pack_shuffle), pack_lanes);
        std::uint8_t* out = dst + i / 4 * 3;
        // 24 bytes exactly: the contract allows no write past the decoded data.
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm256_castsi256_si128(packed));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 16), _mm256_extracti128_si256(packed, 1));
    }
    return i + decode_quads_scalar(src + i, n - i, dst + i / 4 * 3);
}

}  // namespace

extern const Kernel kAvx2Kernel;
const Kernel kAvx2Kernel{"avx2", kFeatureAVX2, avx2_encode, avx2_decode_prefix};

}  // namespace frame64::base64
