// PNG decoding through libspng, a fuzzed PNG parser: frame64 reads the header
// first (so a decompression bomb is refused before any pixel buffer exists),
// then decodes every colour type and bit depth into the layout the caller
// asks for.
//
// Conversions (chosen to match PIL's Image.convert):
//   - 1/2/4-bit gray is scaled to 0..255 (v * 255 / (2^depth - 1)); palettes are expanded;
//   - 16-bit samples keep their high byte (v >> 8), as libpng's png_set_strip_16;
//   - colour to GRAY uses ITU-R 601-2 luma with PIL's fixed-point rounding:
//     L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16;
//   - gray to colour repeats the gray value;
//   - asking for 3 channels drops alpha; asking for 4 adds alpha 255, or the
//     tRNS transparency (alpha 0 for the key colour, the palette's alpha table).
// Interlaced (Adam7) images are decoded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "png/png_encoder.hpp"  // PngError

namespace frame64::png {

enum class Layout { kRGB, kBGR, kRGBA, kBGRA, kGray };

int layout_channels(Layout layout) noexcept;

// The layout of a TJPF pixel-format code (image/formats.hpp); false, leaving
// `layout` alone, for a code frame64 does not accept.
bool layout_of(int pixel_format, Layout& layout) noexcept;

struct PngHeader {
    std::uint32_t width;
    std::uint32_t height;
    int bit_depth;
    int colour_type;
    bool interlaced;
};

// libspng's decoding context for one PNG held in memory. It reads nothing
// beyond [data, data+size). Every failure throws PngError with libspng's
// reason. Not thread-safe; cheap enough to create per image.
class PngReader {
public:
    // strict: a bad CRC in an ancillary chunk is an error (by default that
    // chunk is dropped, as libpng does). Critical chunks are always checked.
    PngReader(const std::uint8_t* data, std::size_t size, bool strict);
    ~PngReader();
    PngReader(const PngReader&) = delete;
    PngReader& operator=(const PngReader&) = delete;

    const PngHeader& header() const noexcept { return header_; }

    // Decodes the whole image into `out` (height * width * channels bytes,
    // rows packed), then reads the rest of the file up to IEND.
    // `scratch` is a reusable buffer for layouts libspng cannot write directly.
    void decode(Layout layout, std::uint8_t* out, std::size_t out_size, std::vector<std::uint8_t>& scratch);

private:
    void* ctx_ = nullptr;
    PngHeader header_{};
};

// The calling thread's scratch buffer for PngReader::decode.
std::vector<std::uint8_t>& thread_decode_scratch();

}  // namespace frame64::png
