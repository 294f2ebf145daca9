// The steps of frame64.decode, shared by its binding (bind_decode.cpp, which
// defines them) and by the thread-pooled Decoder (bind_decoder.cpp):
// base64 text -> image bytes -> sniffed format and header -> size checks ->
// pixels. The steps marked GIL-free touch no Python object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "bindings/arrays.hpp"
#include "image/sniff.hpp"
#include "jpeg/jpeg_decoder.hpp"
#include "png/png_decoder.hpp"

namespace frame64::bindings {

// The text of `data` (an ASCII str or a C-contiguous bytes-like object),
// pinned while this object lives; the caller keeps a str alive. Needs the
// GIL to construct; data() is then readable without it.
class TextInput {
public:
    explicit TextInput(py::handle data);
    const char* data() const noexcept { return text_.data(); }
    std::size_t size() const noexcept { return text_.size(); }

private:
    std::optional<BufferView> view_;
    std::string_view text_;
};

// The calling thread's grow-only memory for decoded image bytes (valid until
// its next reserve), and its release when it has grown unusually large.
std::uint8_t* reserve_thread_scratch(std::size_t size);
void trim_thread_scratch();

// Decodes text[start:] into dst (base64::decoded_capacity bytes); positions
// in messages count from the start of `text`. GIL-free; throws DecodeError.
std::size_t decode_payload(const TextInput& text, std::size_t start, std::uint8_t* dst);

// The size options of a decode: a DCT scale in eighths (8: full size), or
// max_side > 0 to pick the smallest scale that still reaches it.
struct Scaling {
    int scale_eighths = jpeg::kFullScale;
    int max_side = 0;
};

// ValueErrors naming the argument for codes out of range (GIL not needed).
Scaling checked_scaling(int scale_eighths, int max_side);
jpeg::Strictness checked_strictness(int strictness);

// What the header of an image says, and the state needed to decode it.
struct ImageHeader {
    image::Format format = image::Format::kUnknown;
    int width = 0;  // of the array to return
    int height = 0;
    int full_width = 0;  // of the image at full scale (max_pixels counts these)
    int full_height = 0;
    jpeg::JpegHeader jpeg;
    std::unique_ptr<png::PngReader> png;  // holds libspng's context between the two steps
};

// Sniffs the format and reads the header; allocates no pixel memory.
// GIL-free. `orientation`: read the EXIF Orientation (the sides are then
// those of the upright frame).
ImageHeader read_image_header(const std::uint8_t* image, std::size_t size, jpeg::Strictness strictness,
                              bool orientation, const Scaling& scaling);

// The decompression-bomb guard and the address-space check, from the header
// alone: throws Jpeg/PngDecodeError or DecodeError. GIL-free.
void check_pixel_limit(const ImageHeader& header, int channels, std::uint64_t max_pixels);

// Decodes the pixels into dst (header.height rows of header.width * channels
// bytes, packed). `image` must stay valid and unchanged; the decoders are the
// calling thread's. GIL-free; throws the DecodeError classes.
void decode_into(const std::uint8_t* image, std::size_t size, const ImageHeader& header, int pixel_format,
                 int channels, std::uint8_t* dst, jpeg::Strictness strictness);

}  // namespace frame64::bindings
