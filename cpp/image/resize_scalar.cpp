// The scalar twin of the area filter's row passes (definition in resize.hpp).
#include <cstdint>

#include "image/resize.hpp"

namespace frame64::image {

void vertical_scalar(const std::uint8_t* const* rows, const std::int16_t* weights, int count, std::size_t begin,
                     std::size_t length, std::int16_t* out) {
    constexpr std::int32_t kRound = 1 << (kIntermediateBits - 1);
    for (std::size_t j = begin; j < length; ++j) {
        std::int32_t sum = kRound;
        for (int k = 0; k < count; ++k) sum += std::int32_t{weights[k]} * rows[k][j];
        out[j] = static_cast<std::int16_t>(sum >> kIntermediateBits);
    }
}

void horizontal_scalar(const std::int16_t* row, const AxisTaps& axis, int channels, int begin, std::uint8_t* out) {
    constexpr int kShift = kWeightBits + kIntermediateBits;
    constexpr std::int32_t kRound = 1 << (kShift - 1);
    const int taps = axis.taps;
    for (int x = begin; x < axis.output; ++x) {
        const std::int16_t* weights = &axis.weights[static_cast<std::size_t>(x) * taps];
        const std::int16_t* first = row + static_cast<std::size_t>(axis.start[x]) * channels;
        for (int c = 0; c < channels; ++c) {
            std::int32_t sum = kRound;
            for (int t = 0; t < taps; ++t) sum += std::int32_t{weights[t]} * first[t * channels + c];
            out[x * channels + c] = static_cast<std::uint8_t>(sum >> kShift);
        }
    }
}

namespace {

void vertical_row(const std::uint8_t* const* rows, const std::int16_t* weights, int count, std::size_t length,
                  std::int16_t* out) {
    vertical_scalar(rows, weights, count, 0, length, out);
}

void horizontal_row(const std::int16_t* row, const AxisTaps& axis, int channels, std::uint8_t* out) {
    horizontal_scalar(row, axis, channels, 0, out);
}

}  // namespace

const ResizeKernel kScalarResizeKernel = {"scalar", 0, vertical_row, horizontal_row, nullptr};

}  // namespace frame64::image
