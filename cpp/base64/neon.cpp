// AArch64 Advanced SIMD (NEON) base64 kernel.
//
// The same plan as the x86 kernels (Muła & Lemire 2018, 2020), with NEON's
// structure loads doing the byte shuffles: vld3q splits 48 bytes into the
// a, b, c bytes of 16 groups, shifts form the four 6-bit fields, a 64-byte
// vqtbl4q lookup maps them to chars and vst4q interleaves them back.
// Decode reverses it: vld4q splits 64 chars, a 128-entry lookup (vqtbl4q for
// chars 0..63, vqtbx4q for 64..127) gives the values, with the top bit set
// for invalid chars and for bytes >= 0x80, and vst3q writes 48 bytes.
// Tails go through the scalar loops. NEON is mandatory on AArch64, so this
// file needs no target flags.
#if defined(__aarch64__) || defined(_M_ARM64)

#include <arm_neon.h>

#include "base64/kernel_common.hpp"

namespace frame64::base64 {
namespace {

uint8x16x4_t load_table64(const std::uint8_t* table) {
    return uint8x16x4_t{{vld1q_u8(table), vld1q_u8(table + 16), vld1q_u8(table + 32), vld1q_u8(table + 48)}};
}

void neon_encode(const std::uint8_t* src, std::size_t n, char* dst, Alphabet alphabet) {
    const EncodeTable table(alphabet);
    const uint8x16x4_t chars = load_table64(reinterpret_cast<const std::uint8_t*>(table.chars));
    const uint8x16_t low6 = vdupq_n_u8(63);
    std::size_t i = 0;
    auto* out = reinterpret_cast<std::uint8_t*>(dst);
    for (; i + 48 <= n; i += 48, out += 64) {
        const uint8x16x3_t in = vld3q_u8(src + i);  // in.val[0] = a, [1] = b, [2] = c of 16 groups
        uint8x16x4_t fields;
        fields.val[0] = vshrq_n_u8(in.val[0], 2);
        fields.val[1] = vandq_u8(vorrq_u8(vshlq_n_u8(in.val[0], 4), vshrq_n_u8(in.val[1], 4)), low6);
        fields.val[2] = vandq_u8(vorrq_u8(vshlq_n_u8(in.val[1], 2), vshrq_n_u8(in.val[2], 6)), low6);
        fields.val[3] = vandq_u8(in.val[2], low6);
        for (auto& field : fields.val) field = vqtbl4q_u8(chars, field);
        vst4q_u8(out, fields);
    }
    encode_scalar(src + i, n - i, reinterpret_cast<char*>(out), table);
}

std::size_t neon_decode_prefix(const char* src, std::size_t n, std::uint8_t* dst) {
    const uint8x16x4_t lookup_lo = load_table64(kDecodeValues7.bytes);
    const uint8x16x4_t lookup_hi = load_table64(kDecodeValues7.bytes + 64);
    const uint8x16_t sixty_four = vdupq_n_u8(64);
    const auto* in = reinterpret_cast<const std::uint8_t*>(src);
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        uint8x16x4_t v = vld4q_u8(in + i);
        uint8x16_t bad = vdupq_n_u8(0);
        for (auto& lane : v.val) {
            // Chars 0..63 from the first table (0 for larger ones), 64..127
            // from the second; bytes >= 0x80 keep their own top bit in `bad`.
            const uint8x16_t value = vqtbx4q_u8(vqtbl4q_u8(lookup_lo, lane), lookup_hi, vsubq_u8(lane, sixty_four));
            bad = vorrq_u8(bad, vorrq_u8(value, lane));
            lane = value;
        }
        if (vmaxvq_u8(bad) >= 0x80) break;
        uint8x16x3_t out;
        out.val[0] = vorrq_u8(vshlq_n_u8(v.val[0], 2), vshrq_n_u8(v.val[1], 4));
        out.val[1] = vorrq_u8(vshlq_n_u8(v.val[1], 4), vshrq_n_u8(v.val[2], 2));
        out.val[2] = vorrq_u8(vshlq_n_u8(v.val[2], 6), v.val[3]);
        vst3q_u8(dst + i / 4 * 3, out);
    }
    return i + decode_quads_scalar(src + i, n - i, dst + i / 4 * 3);
}

}  // namespace

extern const Kernel kNeonKernel;
const Kernel kNeonKernel{"neon", kFeatureNEON, neon_encode, neon_decode_prefix};

}  // namespace frame64::base64

#endif  // AArch64
