#include "image/cmyk.hpp"

namespace frame64::image {
namespace {

// Pillow's MULDIV255(a, b): a * b / 255, rounded, exact for 8-bit a and b.
inline unsigned muldiv255(unsigned a, unsigned b) noexcept {
    const unsigned t = a * b + 128;
    return ((t >> 8) + t) >> 8;
}

}  // namespace

void cmyk_to(const std::uint8_t* cmyk, std::size_t count, bool inverted, int channels, bool blue_first,
             std::uint8_t* out) noexcept {
    const unsigned flip = inverted ? 255u : 0u;
    for (std::size_t i = 0; i < count; ++i, cmyk += 4, out += channels) {
        const unsigned ink_free = 255u - (cmyk[3] ^ flip);  // 255 - K
        const unsigned r = ink_free - muldiv255(cmyk[0] ^ flip, ink_free);
        const unsigned g = ink_free - muldiv255(cmyk[1] ^ flip, ink_free);
        const unsigned b = ink_free - muldiv255(cmyk[2] ^ flip, ink_free);
        if (channels == 1) {
            out[0] = static_cast<std::uint8_t>((r * 19595u + g * 38470u + b * 7471u + 0x8000u) >> 16);
            continue;
        }
        out[0] = static_cast<std::uint8_t>(blue_first ? b : r);
        out[1] = static_cast<std::uint8_t>(g);
        out[2] = static_cast<std::uint8_t>(blue_first ? r : b);
        if (channels == 4) out[3] = 255;
    }
}

}  // namespace frame64::image
