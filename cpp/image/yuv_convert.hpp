// Range and matrix conversion of YUV planes to what JFIF stores: full-range
// BT.601 YCbCr. One fixed-point rule (the fallback and the tests apply the
// same one in numpy, frame64/_fallback/yuv.py):
//
//   y = Y - 16 (limited) or Y (full);  cb = Cb - 128;  cr = Cr - 128
//   Y'  = clamp((KY*y + KYB*cb + KYR*cr + 8192) >> 14)
//   Cb' = clamp(128 + ((KBB*cb + KBR*cr + 8192) >> 14))
//   Cr' = clamp(128 + ((KRB*cb + KRR*cr + 8192) >> 14))
//
// with >> an arithmetic (flooring) shift, clamp to 0..255, and the Q14
// coefficients of kYuvCoefficients (round(16384 * c) of the exact real
// values; see _formats.YUV_COEFFICIENTS for how they are derived). The luma
// correction KYB*cb + KYR*cr is taken at chroma resolution: every luma
// sample uses the chroma sample that covers it (2x2 for 4:2:0, 2x1 for 4:2:2).
#pragma once

#include <cstddef>
#include <cstdint>

namespace frame64::image {

// yuv_range codes and yuv_matrix codes (frame64._formats.YUV_RANGES / YUV_MATRICES).
inline constexpr int kYuvRangeFull = 0, kYuvRangeLimited = 1;
inline constexpr int kYuvMatrixBt601 = 0, kYuvMatrixBt709 = 1;

struct YuvCoefficients {
    int range;
    int matrix;
    std::int32_t ky, kyb, kyr, kbb, kbr, krb, krr;
};

// Every (range, matrix) pair but (full, bt601), which needs no conversion.
inline constexpr YuvCoefficients kYuvCoefficients[] = {
    {kYuvRangeLimited, kYuvMatrixBt601, 19077, 0, 0, 18651, 0, 0, 18651},
    {kYuvRangeFull, kYuvMatrixBt709, 16384, 1664, 3213, 16218, -1813, -1187, 16112},
    {kYuvRangeLimited, kYuvMatrixBt709, 19077, 1895, 3657, 18462, -2064, -1351, 18342},
};

// The coefficients for a pair, or nullptr for full-range BT.601 (no conversion).
const YuvCoefficients* yuv_coefficients(int range, int matrix) noexcept;

// True when the matrix adds a chroma term to luma (KYB or KYR non-zero):
// BT.709 sources. Limited-range BT.601 only rescales each sample.
constexpr bool has_luma_correction(const YuvCoefficients& k) noexcept { return k.kyb != 0 || k.kyr != 0; }

// Converts one chroma row (u_in, v_in: `count` samples) into u, v (which
// may be u_in, v_in themselves) and writes each sample's luma correction
// (KYB*cb + KYR*cr) to luma_delta[count]. Without a luma correction
// (has_luma_correction false) luma_delta need not be written: the caller
// zeroes it once per frame rather than once per row.
void convert_chroma_row(const std::uint8_t* u_in, const std::uint8_t* v_in, std::uint8_t* u, std::uint8_t* v,
                        std::int32_t* luma_delta, std::size_t count, const YuvCoefficients& k) noexcept;

// out[x] = Y' of in[x], with luma_delta[x >> 1] (width samples).
void convert_luma_row(const std::uint8_t* in, std::uint8_t* out, const std::int32_t* luma_delta, std::size_t width,
                      const YuvCoefficients& k) noexcept;

}  // namespace frame64::image
