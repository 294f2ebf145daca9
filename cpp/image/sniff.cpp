#include "image/sniff.hpp"

#include <cstdio>
#include <cstring>

#include "image/formats.hpp"

namespace frame64::image {

Format sniff(const std::uint8_t* data, std::size_t size) noexcept {
    if (size >= sizeof kJpegMagic && std::memcmp(data, kJpegMagic, sizeof kJpegMagic) == 0) return Format::kJpeg;
    if (size >= sizeof kPngSignature && std::memcmp(data, kPngSignature, sizeof kPngSignature) == 0) return Format::kPng;
    return Format::kUnknown;
}

std::string describe_unknown(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return "no image data: the base64 payload is empty";
    std::string message = "not a JPEG or PNG image: the decoded data starts with";
    const std::size_t shown = size < 8 ? size : 8;
    for (std::size_t i = 0; i < shown; ++i) {
        char hex[4];
        std::snprintf(hex, sizeof hex, " %02x", data[i]);
        message += hex;
    }
    return message;
}

}  // namespace frame64::image
