#include "png/png_decoder.hpp"

#include <spng.h>

#include <cstring>
#include <string>
#include <utility>

#include "image/formats.hpp"

namespace frame64::png {
namespace {

// Ancillary chunks are read but never used; cap what one may cost.
constexpr std::size_t kChunkSizeLimit = std::size_t{64} << 20;
constexpr std::size_t kChunkCacheLimit = std::size_t{128} << 20;

spng_ctx* as_ctx(void* ctx) { return static_cast<spng_ctx*>(ctx); }

void check(int status, const char* step) {
    if (status != 0) throw PngError(std::string("invalid PNG (") + step + "): " + spng_strerror(status));
}

// PIL's ITU-R 601-2 luma in 16-bit fixed point (Convert.c, L24).
inline std::uint8_t luma(const std::uint8_t* rgb) {
    return static_cast<std::uint8_t>((rgb[0] * 19595u + rgb[1] * 38470u + rgb[2] * 7471u + 0x8000u) >> 16);
}

void swap_red_blue_in_place(std::uint8_t* pixels, std::size_t count, int channels) {
    for (std::size_t i = 0; i < count; ++i) std::swap(pixels[i * channels], pixels[i * channels + 2]);
}

std::uint32_t read_u32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// True when the chunk sequence reaches a complete IEND (length 0, its CRC
// present and right). libspng stops at IEND's type and does not insist on
// its CRC; a file cut there is truncated all the same. Only hops over chunk
// lengths, never past `size`.
bool has_complete_iend(const std::uint8_t* data, std::size_t size) {
    constexpr std::uint8_t kIend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    std::size_t pos = 8;
    while (pos <= size && size - pos >= 12) {
        const std::uint32_t length = read_u32(data + pos);
        if (std::memcmp(data + pos + 4, "IEND", 4) == 0) return std::memcmp(data + pos, kIend, 12) == 0;
        if (length > size - pos - 12) return false;
        pos += 12 + static_cast<std::size_t>(length);
    }
    return false;
}

}  // namespace

int layout_channels(Layout layout) noexcept {
    switch (layout) {
        case Layout::kRGB:
        case Layout::kBGR:
            return 3;
        case Layout::kRGBA:
        case Layout::kBGRA:
            return 4;
        case Layout::kGray:
            return 1;
    }
    return 0;
}

bool layout_of(int pixel_format, Layout& layout) noexcept {
    switch (pixel_format) {
        case image::kTjpfRgb: layout = Layout::kRGB; return true;
        case image::kTjpfBgr: layout = Layout::kBGR; return true;
        case image::kTjpfRgba: layout = Layout::kRGBA; return true;
        case image::kTjpfBgra: layout = Layout::kBGRA; return true;
        case image::kTjpfGray: layout = Layout::kGray; return true;
        default: return false;
    }
}

PngReader::PngReader(const std::uint8_t* data, std::size_t size, bool strict) : data_(data), size_(size) {
    ctx_ = spng_ctx_new(0);
    if (ctx_ == nullptr) throw std::bad_alloc();
    spng_ctx* ctx = as_ctx(ctx_);
    try {  // the destructor does not run when the constructor throws
        check(spng_set_crc_action(ctx, SPNG_CRC_ERROR, strict ? SPNG_CRC_ERROR : SPNG_CRC_DISCARD), "crc action");
        check(spng_set_chunk_limits(ctx, kChunkSizeLimit, kChunkCacheLimit), "chunk limits");
        check(spng_set_image_limits(ctx, image::kMaxPngSide, image::kMaxPngSide), "image limits");
        check(spng_set_png_buffer(ctx, data, size), "buffer");
        spng_ihdr ihdr{};
        check(spng_get_ihdr(ctx, &ihdr), "header");
        header_ = {ihdr.width, ihdr.height, ihdr.bit_depth, ihdr.color_type, ihdr.interlace_method != 0};
    } catch (...) {
        spng_ctx_free(ctx);
        throw;
    }
}

PngReader::~PngReader() { spng_ctx_free(as_ctx(ctx_)); }

void PngReader::decode(Layout layout, std::uint8_t* out, std::size_t out_size, std::vector<std::uint8_t>& scratch) {
    spng_ctx* ctx = as_ctx(ctx_);
    const std::size_t pixels = static_cast<std::size_t>(header_.width) * header_.height;
    const int channels = layout_channels(layout);
    if (out_size != pixels * static_cast<std::size_t>(channels)) throw PngError("output buffer has the wrong size");
    const bool gray_source = header_.colour_type == SPNG_COLOR_TYPE_GRAYSCALE;
    const bool gray_alpha_source = header_.colour_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA;

    auto decode_into = [&](std::uint8_t* buffer, std::size_t size, int fmt, int flags) {
        std::size_t needed = 0;
        check(spng_decoded_image_size(ctx, fmt, &needed), "image size");
        if (needed != size) throw PngError("invalid PNG: unexpected decoded size");
        check(spng_decode_image(ctx, buffer, size, fmt, flags), "image data");
    };

    if (layout == Layout::kGray) {
        if (gray_source && header_.bit_depth <= 8) {
            decode_into(out, out_size, SPNG_FMT_G8, 0);
        } else {
            // 16-bit gray and gray+alpha: libspng writes the gray as R=G=B.
            scratch.resize(pixels * 3);
            decode_into(scratch.data(), scratch.size(), SPNG_FMT_RGB8, 0);
            const std::uint8_t* rgb = scratch.data();
            if (gray_source || gray_alpha_source) {
                for (std::size_t i = 0; i < pixels; ++i) out[i] = rgb[3 * i];
            } else {
                for (std::size_t i = 0; i < pixels; ++i) out[i] = luma(rgb + 3 * i);
            }
        }
    } else {
        const bool alpha = channels == 4;
        decode_into(out, out_size, alpha ? SPNG_FMT_RGBA8 : SPNG_FMT_RGB8, alpha ? SPNG_DECODE_TRNS : 0);
        if (layout == Layout::kBGR || layout == Layout::kBGRA) swap_red_blue_in_place(out, pixels, channels);
    }
    // Read on to IEND: a file cut after its image data is still an error.
    check(spng_decode_chunks(ctx), "chunks after image data");
    if (!has_complete_iend(data_, size_)) throw PngError("invalid PNG: truncated, IEND is incomplete");
}

std::vector<std::uint8_t>& thread_decode_scratch() {
    thread_local std::vector<std::uint8_t> scratch;
    return scratch;
}

}  // namespace frame64::png
