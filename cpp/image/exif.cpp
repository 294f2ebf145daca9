#include "image/exif.hpp"

#include <cstring>

namespace frame64::image {
namespace {

constexpr std::uint8_t kSos = 0xDA, kEoi = 0xD9, kApp1 = 0xE1;
constexpr std::uint16_t kOrientationTag = 0x0112;
constexpr std::uint16_t kShort = 3;

std::uint32_t read_u16(const std::uint8_t* p, bool little) noexcept {
    return little ? (p[0] | (p[1] << 8)) : ((p[0] << 8) | p[1]);
}

std::uint32_t read_u32(const std::uint8_t* p, bool little) noexcept {
    return little ? (std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
                     (std::uint32_t{p[3]} << 24))
                  : ((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
                     std::uint32_t{p[3]});
}

}  // namespace

int tiff_orientation(const std::uint8_t* tiff, std::size_t size) noexcept {
    if (size < 8) return 1;
    bool little;
    if (tiff[0] == 'I' && tiff[1] == 'I') {
        little = true;
    } else if (tiff[0] == 'M' && tiff[1] == 'M') {
        little = false;
    } else {
        return 1;
    }
    if (read_u16(tiff + 2, little) != 42) return 1;
    const std::uint32_t ifd = read_u32(tiff + 4, little);
    if (ifd > size || size - ifd < 2) return 1;
    const std::uint32_t count = read_u16(tiff + ifd, little);
    // Entries that do not lie wholly inside the segment are not read: a huge
    // count stops at the segment's end.
    const std::size_t fit = (size - ifd - 2) / 12;
    const std::size_t entries = count < fit ? count : fit;
    for (std::size_t i = 0; i < entries; ++i) {
        const std::uint8_t* entry = tiff + ifd + 2 + 12 * i;
        if (read_u16(entry, little) != kOrientationTag) continue;
        if (read_u16(entry + 2, little) != kShort || read_u32(entry + 4, little) != 1) return 1;
        const std::uint32_t value = read_u16(entry + 8, little);  // a SHORT sits left-justified in the value field
        return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
    }
    return 1;
}

int jpeg_exif_orientation(const std::uint8_t* jpeg, std::size_t size) noexcept {
    // The marker walk of libjpeg's next_marker (jdmarker.c): bytes before a
    // 0xFF are skipped, so are fill bytes and stuffed 0xFF 0x00 pairs.
    std::size_t at = 2;  // after SOI (the caller sniffed FF D8 FF)
    while (at < size) {
        while (at < size && jpeg[at] != 0xFF) ++at;
        while (at < size && jpeg[at] == 0xFF) ++at;
        if (at >= size) return 1;
        const std::uint8_t marker = jpeg[at++];
        if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // no length
        if (marker == kSos || marker == kEoi) return 1;
        if (size - at < 2) return 1;
        const std::size_t length = (std::size_t{jpeg[at]} << 8) | jpeg[at + 1];
        if (length < 2 || length > size - at) return 1;
        const std::uint8_t* payload = jpeg + at + 2;
        const std::size_t payload_size = length - 2;
        if (marker == kApp1 && payload_size >= 6 && std::memcmp(payload, "Exif\0\0", 6) == 0)
            return tiff_orientation(payload + 6, payload_size - 6);
        at += length;
    }
    return 1;
}

void apply_orientation(const std::uint8_t* src, int height, int width, int channels, int orientation,
                       std::uint8_t* dst) noexcept {
    const bool swap = swaps_sides(orientation);
    const std::size_t out_width = static_cast<std::size_t>(swap ? height : width);
    const std::size_t out_height = static_cast<std::size_t>(swap ? width : height);
    const std::size_t px = static_cast<std::size_t>(channels);
    const std::size_t w = static_cast<std::size_t>(width), h = static_cast<std::size_t>(height);
    for (std::size_t y = 0; y < out_height; ++y) {
        std::uint8_t* row = dst + y * out_width * px;
        for (std::size_t x = 0; x < out_width; ++x) {
            // (sy, sx): the stored pixel shown at (y, x) (CIPA DC-008, Orientation).
            std::size_t sy, sx;
            switch (orientation) {
                case 2: sy = y; sx = w - 1 - x; break;                  // mirrored left-right
                case 3: sy = h - 1 - y; sx = w - 1 - x; break;          // turned 180
                case 4: sy = h - 1 - y; sx = x; break;                  // mirrored top-bottom
                case 5: sy = x; sx = y; break;                          // transposed
                case 6: sy = h - 1 - x; sx = y; break;                  // shown turned 90 clockwise
                case 7: sy = h - 1 - x; sx = w - 1 - y; break;          // transversed
                case 8: sy = x; sx = w - 1 - y; break;                  // shown turned 90 counter-clockwise
                default: sy = y; sx = x; break;
            }
            std::memcpy(row + x * px, src + (sy * w + sx) * px, px);
        }
    }
}

}  // namespace frame64::image
