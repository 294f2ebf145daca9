// AVX-512 VBMI base64 kernel, after W. Muła and D. Lemire, "Base64 encoding
// and decoding at almost the speed of a memory copy", Software: Practice and
// Experience 50(2), 2020.
//
// Encode: 48 input bytes per step. vpermb places each 3-byte group (a, b, c)
// as [b, a, c, b] in a 32-bit word; vpmultishiftqb extracts the four 6-bit
// fields at bit offsets 10, 4, 22 and 16 of that word; vpermb with the 64
// alphabet chars as the table turns the fields (it ignores the top two bits)
// into ASCII. Decode: 64 chars per step. vpermi2b looks every char up in a
// 128-entry table (invalid entries and bytes >= 0x80 have the top bit set),
// vpmaddubsw/vpmaddwd pack four 6-bit values into 24 bits, and vpermb
// compacts the 48 output bytes. Tails use masked loads and stores, so no
// access ever leaves the buffers. Outputs too large for the caches are
// written with aligned non-temporal stores (decode first joins four blocks
// into three full 64-byte lines with vpermi2b).
//
// Compiled with -mavx512f -mavx512bw -mavx512vbmi only; dispatch.cpp runs it
// only when cpuid and xgetbv (opmask and ZMM state) say so.
#include <immintrin.h>

#include <cstdint>

#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's vpermb intrinsics start from _mm512_undefined_epi32(), which
// -Wmaybe-uninitialized reports as a false positive once inlined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "base64/kernel_common.hpp"

namespace frame64::base64 {
namespace {

// Bytes [3j+1, 3j, 3j+2, 3j+1] for the 16 groups of a 48-byte block.
constexpr ByteTable<64> kEncodeGather = [] {
    ByteTable<64> gather{};
    for (int j = 0; j < 16; ++j) {
        gather.bytes[4 * j + 0] = static_cast<std::uint8_t>(3 * j + 1);
        gather.bytes[4 * j + 1] = static_cast<std::uint8_t>(3 * j + 0);
        gather.bytes[4 * j + 2] = static_cast<std::uint8_t>(3 * j + 2);
        gather.bytes[4 * j + 3] = static_cast<std::uint8_t>(3 * j + 1);
    }
    return gather;
}();

// Bytes 2, 1, 0 of each 32-bit group word, for 16 words (48 bytes).
constexpr ByteTable<64> kDecodePack = [] {
    ByteTable<64> pack{};
    for (int j = 0; j < 16; ++j) {
        pack.bytes[3 * j + 0] = static_cast<std::uint8_t>(4 * j + 2);
        pack.bytes[3 * j + 1] = static_cast<std::uint8_t>(4 * j + 1);
        pack.bytes[3 * j + 2] = static_cast<std::uint8_t>(4 * j + 0);
    }
    return pack;
}();

// Four blocks give 192 bytes = three 64-byte lines. Line j takes its bytes
// from the group words of blocks j and j + 1 (vpermi2b index >= 64 picks the
// second): kDecodeJoin[j] is the kDecodePack order shifted by 16 * j bytes.
constexpr ByteTable<64> decode_join(int line) {
    ByteTable<64> join{};
    for (int k = 0; k < 64; ++k) {
        const int byte = 64 * line + k;  // of the 192 output bytes
        const int block = byte / 48;     // line or line + 1
        join.bytes[k] = static_cast<std::uint8_t>(kDecodePack.bytes[byte % 48] + (block == line ? 0 : 64));
    }
    return join;
}
constexpr ByteTable<64> kDecodeJoin[3] = {decode_join(0), decode_join(1), decode_join(2)};

__m512i load_table(const std::uint8_t* table) { return _mm512_load_si512(reinterpret_cast<const void*>(table)); }

// Masks of the first k bytes (k <= 64).
__mmask64 first_bytes(std::size_t k) { return k >= 64 ? ~__mmask64{0} : (__mmask64{1} << k) - 1; }

struct Encoder {
    __m512i gather;
    __m512i shifts;
    __m512i chars;

    // 48 bytes (already loaded) -> 64 chars.
    __m512i operator()(__m512i in) const {
        const __m512i words = _mm512_permutexvar_epi8(gather, in);
        const __m512i fields = _mm512_multishift_epi64_epi8(shifts, words);
        return _mm512_permutexvar_epi8(fields, chars);
    }
};

// Outputs of this many input bytes or chars and more are written with
// non-temporal stores: they would not stay in cache anyway, and streaming
// saves reading every output line from memory before overwriting it.
constexpr std::size_t kStreamInputBytes = std::size_t{6} << 20;  // encode: 8 MiB out
// Inputs at least this large first align the output (encode) or the input
// (decode) to 64 bytes.
constexpr std::size_t kAlignInputBytes = 256;
// Decode streams only after this many clean chars.
constexpr std::size_t kStreamAfterChars = 512;

void avx512vbmi_encode(const std::uint8_t* src, std::size_t n, char* dst, Alphabet alphabet) {
    const EncodeTable table(alphabet);
    // Offsets of i0, i1, i2, i3 in the first word of each qword, then the second.
    const Encoder encoder{load_table(kEncodeGather.bytes), _mm512_set1_epi64(0x3036242A1016040ALL),
                          _mm512_loadu_si512(reinterpret_cast<const void*>(table.chars))};
    const __mmask64 in_mask = first_bytes(48);
    std::size_t i = 0;
    std::size_t o = 0;
    // Align the output to 64 bytes with one masked block of whole groups
    // (PyUnicode data is 8 mod 16 and each group is 4 chars): streaming
    // stores need it, and it spares the others from splitting cache lines.
    const std::size_t misalignment = reinterpret_cast<std::uintptr_t>(dst) % 64;
    if (n >= kAlignInputBytes && misalignment % 4 == 0) {
        const std::size_t groups = (64 - misalignment) % 64 / 4;
        if (groups != 0) {
            const __m512i in = _mm512_maskz_loadu_epi8(first_bytes(groups * 3), src);
            _mm512_mask_storeu_epi8(dst, first_bytes(groups * 4), encoder(in));
        }
        i = groups * 3;
        o = groups * 4;
        if (n >= kStreamInputBytes) {
            for (; i + 48 <= n; i += 48, o += 64)
                _mm512_stream_si512(reinterpret_cast<__m512i*>(dst + o), encoder(_mm512_maskz_loadu_epi8(in_mask, src + i)));
            _mm_sfence();
        }
    }
    for (; i + 96 <= n; i += 96, o += 128) {  // two blocks per step hide the permute latency
        const __m512i a = _mm512_maskz_loadu_epi8(in_mask, src + i);
        const __m512i b = _mm512_maskz_loadu_epi8(in_mask, src + i + 48);
        _mm512_storeu_si512(reinterpret_cast<void*>(dst + o), encoder(a));
        _mm512_storeu_si512(reinterpret_cast<void*>(dst + o + 64), encoder(b));
    }
    for (; i + 48 <= n; i += 48, o += 64)
        _mm512_storeu_si512(reinterpret_cast<void*>(dst + o), encoder(_mm512_maskz_loadu_epi8(in_mask, src + i)));
    // Tail: the whole 3-byte groups through masked lanes, the last 1 or 2
    // bytes (with padding) through the scalar loop.
    const std::size_t whole = (n - i) / 3 * 3;
    if (whole > 0) {
        const __m512i in = _mm512_maskz_loadu_epi8(first_bytes(whole), src + i);
        _mm512_mask_storeu_epi8(dst + o, first_bytes(whole / 3 * 4), encoder(in));
        i += whole;
        o += whole / 3 * 4;
    }
    encode_scalar(src + i, n - i, dst + o, table);
}

struct Decoder {
    __m512i lookup_lo;
    __m512i lookup_hi;
    __m512i pack;

    // Bit k set when char k is not in the standard alphabet.
    __mmask64 invalid(__m512i in, __m512i& values) const {
        values = _mm512_permutex2var_epi8(lookup_lo, in, lookup_hi);
        return _mm512_movepi8_mask(_mm512_or_si512(values, in));
    }
    // 64 values -> 48 bytes in the low lanes.
    // 64 values -> 16 words of 24 bits (v0 << 18 | v1 << 12 | v2 << 6 | v3).
    static __m512i group_words(__m512i values) {
        const __m512i pairs = _mm512_maddubs_epi16(values, _mm512_set1_epi32(0x01400140));
        return _mm512_madd_epi16(pairs, _mm512_set1_epi32(0x00011000));
    }
    __m512i pack_values(__m512i values) const {
        return _mm512_permutexvar_epi8(pack, group_words(values));
    }
};

std::size_t count_trailing_zeros(std::uint64_t mask) {  // mask != 0
#if defined(_MSC_VER)
    unsigned long index;
    _BitScanForward64(&index, mask);
    return index;
#else
    return static_cast<std::size_t>(__builtin_ctzll(mask));
#endif
}

// Decodes the whole quads of a block before its first bad char (bit set in
// `bad`, or the block end) with one masked store; returns the chars used.
std::size_t decode_block_prefix(const Decoder& decoder, __m512i values, __mmask64 bad, std::size_t length,
                                std::uint8_t* dst) {
    const std::size_t clean = bad == 0 ? length : count_trailing_zeros(bad);
    const std::size_t whole = clean / 4 * 4;
    if (whole != 0) _mm512_mask_storeu_epi8(dst, first_bytes(whole / 4 * 3), decoder.pack_values(values));
    return whole;
}

// Decodes the first `length` (< 64) chars through masked lanes: the whole
// quads before the first bad char. Returns the chars used.
std::size_t decode_partial_block(const Decoder& decoder, const char* src, std::size_t length, std::uint8_t* dst) {
    const __mmask64 in_mask = first_bytes(length);
    __m512i values;
    const __mmask64 bad = decoder.invalid(_mm512_maskz_loadu_epi8(in_mask, src), values) & in_mask;
    return decode_block_prefix(decoder, values, bad, length, dst);
}

std::size_t avx512vbmi_decode_prefix(const char* src, std::size_t n, std::uint8_t* dst);

// Large inputs: whole quads until the output is 64-byte aligned (3 bytes a
// quad and 3 * 43 = 1 mod 64, so that is at most 63 quads), then 256 chars a
// step written as three non-temporal 64-byte lines. Stops before the first
// 256-char step that holds a bad char; returns the chars used.
std::size_t decode_streaming(const Decoder& decoder, const char* src, std::size_t n, std::uint8_t* dst) {
    const std::size_t head = (64 - reinterpret_cast<std::uintptr_t>(dst) % 64) % 64 * 43 % 64 * 4;
    std::size_t i = avx512vbmi_decode_prefix(src, head, dst);
    if (i != head) return i;
    const __m512i join0 = load_table(kDecodeJoin[0].bytes);
    const __m512i join1 = load_table(kDecodeJoin[1].bytes);
    const __m512i join2 = load_table(kDecodeJoin[2].bytes);
    for (; i + 256 <= n; i += 256) {
        __m512i v0, v1, v2, v3;
        const auto load = [&](std::size_t at) { return _mm512_loadu_si512(reinterpret_cast<const void*>(src + at)); };
        const __mmask64 bad = decoder.invalid(load(i), v0) | decoder.invalid(load(i + 64), v1) |
                              decoder.invalid(load(i + 128), v2) | decoder.invalid(load(i + 192), v3);
        if (bad != 0) break;
        const __m512i g0 = Decoder::group_words(v0), g1 = Decoder::group_words(v1);
        const __m512i g2 = Decoder::group_words(v2), g3 = Decoder::group_words(v3);
        auto* out = reinterpret_cast<__m512i*>(dst + i / 4 * 3);
        _mm512_stream_si512(out, _mm512_permutex2var_epi8(g0, join0, g1));
        _mm512_stream_si512(out + 1, _mm512_permutex2var_epi8(g1, join1, g2));
        _mm512_stream_si512(out + 2, _mm512_permutex2var_epi8(g2, join2, g3));
    }
    if (i != head) _mm_sfence();  // streamed lines are visible before the caller reads them
    return i;
}

std::size_t avx512vbmi_decode_prefix(const char* src, std::size_t n, std::uint8_t* dst) {
    const Decoder decoder{load_table(kDecodeValues7.bytes), load_table(kDecodeValues7.bytes + 64),
                          load_table(kDecodePack.bytes)};
    const __mmask64 out_mask = first_bytes(48);
    std::size_t i = 0;
    // Align the input to 64 bytes first (bytes and str data are 4-aligned,
    // and the head must be whole quads): loads that cross two cache lines
    // cost about 10% here.
    const std::size_t misalignment = reinterpret_cast<std::uintptr_t>(src) % 64;
    if (n >= kAlignInputBytes && misalignment % 4 == 0 && misalignment != 0) {
        const std::size_t head = 64 - misalignment;
        i = decode_partial_block(decoder, src, head, dst);
        if (i != head) return i;
    }
    // Large inputs switch to streaming once a few blocks were clean, so that
    // MIME lines (a call per line) never pay for the switch.
    bool stream = n >= kStreamInputBytes;
    while (i + 64 <= n) {
        if (stream && i >= kStreamAfterChars) {
            stream = false;
            i += decode_streaming(decoder, src + i, n - i, dst + i / 4 * 3);
            continue;  // finishes the tail, or stops at the bad char
        }
        const __m512i in = _mm512_loadu_si512(reinterpret_cast<const void*>(src + i));
        __m512i values;
        const __mmask64 bad = decoder.invalid(in, values);
        // A bad char (a MIME line break, padding): keep the quads before it.
        if (bad != 0) return i + decode_block_prefix(decoder, values, bad, 64, dst + i / 4 * 3);
        _mm512_mask_storeu_epi8(dst + i / 4 * 3, out_mask, decoder.pack_values(values));
        i += 64;
    }
    if (n - i < 4) return i;
    return i + decode_partial_block(decoder, src + i, n - i, dst + i / 4 * 3);
}

}  // namespace

extern const Kernel kAvx512VbmiKernel;
const Kernel kAvx512VbmiKernel{"avx512vbmi", kFeatureAVX512VBMI, avx512vbmi_encode, avx512vbmi_decode_prefix};

}  // namespace frame64::base64
