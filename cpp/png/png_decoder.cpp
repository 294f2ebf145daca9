#include "png/png_decoder.hpp"

#include <spng.h>

#include <string>
#include <utility>

#include "image/formats.hpp"
#include "png/png_structure.hpp"

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

// libspng's failures while it inflates and unfilters, in the fallback's words
// (frame64/_fallback/png.py _raw_samples): the file's structure was checked
// already (png_structure.hpp), so only the zlib stream and the filters are left.
void check_image_data(int status) {
    switch (status) {
        case 0: return;
        case SPNG_EIDAT_TOO_SHORT:
        case SPNG_EOF: throw PngError("invalid PNG (image data): the image data is truncated");
        case SPNG_EIDAT_STREAM:
        case SPNG_EZLIB: throw PngError("invalid PNG (image data): the compressed image data is corrupt");
        case SPNG_EFILTER: throw PngError("invalid PNG (image data): unknown filter type");
        default: check(status, "image data");
    }
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

PngReader::PngReader(const std::uint8_t* data, std::size_t size, bool strict) {
    ctx_ = spng_ctx_new(0);
    if (ctx_ == nullptr) throw std::bad_alloc();
    spng_ctx* ctx = as_ctx(ctx_);
    try {  // the destructor does not run when the constructor throws
        // The structure and every kept chunk's CRC are checked here first, as
        // the fallback checks them, so both refuse a file with one message.
        // libspng checks the CRCs again: with SPNG_CRC_USE it would also stop
        // checking the zlib stream's Adler-32.
        check_structure(data, size, strict);
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
        check_image_data(spng_decode_image(ctx, buffer, size, fmt, flags));
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
    // Read on to IEND (the chunks after the image data; check_structure saw it complete).
    check(spng_decode_chunks(ctx), "chunks after image data");
}

std::vector<std::uint8_t>& thread_decode_scratch() {
    thread_local std::vector<std::uint8_t> scratch;
    return scratch;
}

}  // namespace frame64::png
