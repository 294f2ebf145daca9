// Frame checks shared by the JPEG binding files (bind_jpeg.cpp defines them).
#pragma once

#include <string_view>

#include "bindings/common.hpp"
#include "jpeg/jpeg_encoder.hpp"

namespace frame64::bindings {

inline constexpr std::string_view kJpegDataUriPrefix = "data:image/jpeg;base64,";

// Describes the pixels of `view` for TurboJPEG (width, height, pitch,
// pixel_format), or raises TypeError/ValueError naming `image`.
jpeg::CompressParams describe_image(const BufferView& view, int pixel_format);

}  // namespace frame64::bindings
