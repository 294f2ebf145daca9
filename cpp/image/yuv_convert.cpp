// The fixed-point range/matrix rule of yuv_convert.hpp, row by row.
#include "image/yuv_convert.hpp"

namespace frame64::image {
namespace {

inline std::uint8_t clamp_byte(std::int32_t value) noexcept {
    return static_cast<std::uint8_t>(value < 0 ? 0 : (value > 255 ? 255 : value));
}

constexpr std::int32_t kHalf = 1 << 13;  // rounding term of the Q14 products
constexpr int kShift = 14;

}  // namespace

const YuvCoefficients* yuv_coefficients(int range, int matrix) noexcept {
    for (const YuvCoefficients& k : kYuvCoefficients)
        if (k.range == range && k.matrix == matrix) return &k;
    return nullptr;
}

void convert_chroma_row(const std::uint8_t* u_in, const std::uint8_t* v_in, std::uint8_t* u, std::uint8_t* v,
                        std::int32_t* luma_delta, std::size_t count, const YuvCoefficients& k) noexcept {
    const bool delta = has_luma_correction(k);
    for (std::size_t i = 0; i < count; ++i) {
        const std::int32_t cb = std::int32_t{u_in[i]} - 128, cr = std::int32_t{v_in[i]} - 128;
        u[i] = clamp_byte(128 + ((k.kbb * cb + k.kbr * cr + kHalf) >> kShift));
        v[i] = clamp_byte(128 + ((k.krb * cb + k.krr * cr + kHalf) >> kShift));
        if (delta) luma_delta[i] = k.kyb * cb + k.kyr * cr;
    }
}

void convert_luma_row(const std::uint8_t* in, std::uint8_t* out, const std::int32_t* luma_delta, std::size_t width,
                      const YuvCoefficients& k) noexcept {
    const std::int32_t offset = k.range == kYuvRangeLimited ? 16 : 0;
    for (std::size_t x = 0; x < width; ++x)
        out[x] = clamp_byte((k.ky * (std::int32_t{in[x]} - offset) + luma_delta[x >> 1] + kHalf) >> kShift);
}

}  // namespace frame64::image
