// The facts about pixels and files, once for all of the C++ core. They match
// src/frame64/_formats.py (tests/api/test_formats.py compares the two through the
// values module.cpp exports). This header needs neither turbojpeg.h nor
// spng.h; jpeg_encoder.cpp checks the codes against turbojpeg.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace frame64::image {

// TurboJPEG's pixel-format codes (turbojpeg.h, stable across libjpeg-turbo
// 2.x and 3.x); frame64 names every pixel format by its TJPF code, PNG too.
struct PixelFormat {
    const char* name;
    int code;
    int channels;
    bool blue_first;  // BGR order: PNG stores RGB, so these are swapped
};
inline constexpr PixelFormat kPixelFormats[] = {
    {"RGB", 0, 3, false}, {"BGR", 1, 3, true}, {"GRAY", 6, 1, false}, {"RGBA", 7, 4, false}, {"BGRA", 8, 4, true},
};
inline constexpr int kTjpfRgb = 0, kTjpfBgr = 1, kTjpfGray = 6, kTjpfRgba = 7, kTjpfBgra = 8;

// The format of a TJPF code, or nullptr for one frame64 does not accept.
constexpr const PixelFormat* find_pixel_format(int code) noexcept {
    for (const PixelFormat& format : kPixelFormats)
        if (format.code == code) return &format;
    return nullptr;
}

// Channels of a TJPF code (tjPixelSize), or 0 for one frame64 does not accept.
constexpr int pixel_channels(int code) noexcept {
    const PixelFormat* format = find_pixel_format(code);
    return format != nullptr ? format->channels : 0;
}

// TurboJPEG's chroma subsampling codes (TJSAMP_*) and their MCU sizes in
// pixels (tjMCUWidth/tjMCUHeight; ITU T.81 A.2: the largest sampling factors
// times 8).
struct Subsampling {
    const char* name;
    int code;
    int mcu_width;
    int mcu_height;
};
inline constexpr Subsampling kSubsamplings[] = {
    {"444", 0, 8, 8}, {"422", 1, 16, 8}, {"420", 2, 16, 16}, {"gray", 3, 8, 8}, {"440", 4, 8, 16}, {"411", 5, 32, 8},
};
inline constexpr int kTjsampGray = 3;

constexpr const Subsampling* find_subsampling(int code) noexcept {
    for (const Subsampling& subsampling : kSubsamplings)
        if (subsampling.code == code) return &subsampling;
    return nullptr;
}

// JPEG stores each side in 16 bits (ITU T.81 B.2.2), but libjpeg(-turbo)
// refuses sides over JPEG_MAX_DIMENSION = 65500 (jmorecfg.h).
inline constexpr std::int64_t kMaxJpegSide = 65500;
// IHDR width and height are 31-bit (PNG specification 11.2.1).
inline constexpr std::uint32_t kMaxPngSide = 0x7FFFFFFF;
// A chunk's length field is at most 2^31-1 (PNG specification 5.3).
inline constexpr std::uint32_t kMaxPngChunkLength = 0x7FFFFFFF;

// JPEG: an SOI marker followed by another marker's 0xFF (ITU T.81, B.1.1.2).
inline constexpr std::uint8_t kJpegMagic[] = {0xFF, 0xD8, 0xFF};
// PNG: the 8-byte signature (PNG specification 5.2).
inline constexpr std::uint8_t kPngSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

inline constexpr std::string_view kJpegDataUriPrefix = "data:image/jpeg;base64,";
inline constexpr std::string_view kPngDataUriPrefix = "data:image/png;base64,";

}  // namespace frame64::image
