// Binding for frame64.decode: base64 text (str or bytes-like) -> image bytes
// in a per-thread buffer -> sniffed format -> header -> pixels written
// straight into a numpy array (a new one, or the caller's `out`). Raw image
// bytes (decode_image_bytes; frame64._png.decode_png too) take the same path
// from the sniffing on. The steps are declared in decode_steps.hpp, for the
// Decoder's thread pool too (bind_decoder.cpp).
#include <pybind11/numpy.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>

#include "bindings/arrays.hpp"
#include "bindings/decode_steps.hpp"
#include "jpeg/band_decoder.hpp"

namespace frame64::bindings {
namespace {

using image::DecodeError;
using image::JpegDecodeError;
using image::PngDecodeError;

// Grow-only scratch memory for the decoded image bytes, one per thread, so a
// player loop allocates nothing. Unusually large inputs are not kept.
class ScratchBuffer {
public:
    std::uint8_t* reserve(std::size_t size) {
        if (size > capacity_) {
            data_.reset(new std::uint8_t[size]);  // no zero-filling: the decoder overwrites it
            capacity_ = size;
        }
        return data_.get();
    }
    void trim() {
        if (capacity_ > kKeepBytes) {
            data_.reset();
            capacity_ = 0;
        }
    }

private:
    static constexpr std::size_t kKeepBytes = 64u << 20;
    std::unique_ptr<std::uint8_t[]> data_;
    std::size_t capacity_ = 0;
};

ScratchBuffer& thread_scratch() {
    thread_local ScratchBuffer scratch;
    return scratch;
}

// How error messages name a char: 'x' when printable ASCII, else 0xE9.
std::string describe_char(std::uint32_t code) {
    if (code > 0x20 && code < 0x7F) return std::string("'") + static_cast<char>(code) + "'";
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%02X", code);
    return buffer;
}

// The chars of an ASCII str; a non-ASCII char makes it invalid base64.
std::string_view ascii_chars(PyObject* text) {
    if (PyUnicode_READY(text) != 0) throw py::error_already_set();
    const Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    if (!PyUnicode_IS_ASCII(text)) {
        const int kind = PyUnicode_KIND(text);
        const void* chars = PyUnicode_DATA(text);
        Py_ssize_t i = 0;
        while (PyUnicode_READ(kind, chars, i) < 0x80) ++i;  // stops: the str holds a non-ASCII char
        throw DecodeError("invalid base64: character " + describe_char(PyUnicode_READ(kind, chars, i)) +
                          " at position " + std::to_string(i) + " is not in the base64 alphabet");
    }
    return {reinterpret_cast<const char*>(PyUnicode_1BYTE_DATA(text)), static_cast<std::size_t>(length)};
}

}  // namespace

std::uint8_t* reserve_thread_scratch(std::size_t size) { return thread_scratch().reserve(size); }
void trim_thread_scratch() { thread_scratch().trim(); }

TextInput::TextInput(py::handle data) {
    if (PyUnicode_Check(data.ptr())) {
        text_ = ascii_chars(data.ptr());
    } else {
        view_.emplace(data, PyBUF_SIMPLE);
        text_ = std::string_view(reinterpret_cast<const char*>(view_->bytes()), view_->size());
    }
}

std::size_t decode_payload(const TextInput& text, std::size_t start, std::uint8_t* dst) {
    const base64::TextDecodeResult result = base64::decode_text(text.data() + start, text.size() - start, dst);
    if (result.error == base64::TextError::kNone) return result.size;
    const std::string at = " at position " + std::to_string(start + result.position);
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    switch (result.error) {
        case base64::TextError::kInvalidChar:
            throw DecodeError("invalid base64: character " + describe_char(bytes[start + result.position]) + at +
                              " is not in the base64 alphabet");
        case base64::TextError::kMisplacedPadding:
            throw DecodeError("invalid base64: '='" + at + " comes before the third character of a group");
        case base64::TextError::kDataAfterPadding:
            throw DecodeError("invalid base64: data continues after the '=' padding" + at);
        case base64::TextError::kIncompleteGroup:
        case base64::TextError::kNone:
        default:
            throw DecodeError("invalid base64: the text ends inside a group of 4 characters (" +
                              std::to_string(result.group) + " given); it is truncated or lacks '=' padding");
    }
}

jpeg::Strictness checked_strictness(int strictness) {
    if (strictness < 0 || strictness > 2) throw py::value_error("strictness must be 0, 1 or 2");
    return static_cast<jpeg::Strictness>(strictness);
}

Scaling checked_scaling(int scale_eighths, int max_side) {
    if (scale_eighths < 1 || scale_eighths > jpeg::kFullScale)
        throw py::value_error("scale: scale_eighths must be 1 to 8, got " + std::to_string(scale_eighths));
    if (max_side < 0) throw py::value_error("max_side must be >= 0 (0: none), got " + std::to_string(max_side));
    return {scale_eighths, max_side};
}

namespace {
// The fallback's text is the same (src/frame64/_fallback/decode.py).
std::string png_scale_message(int scale_eighths) {
    const int common = std::gcd(scale_eighths, jpeg::kFullScale);
    return "scale=" + std::to_string(scale_eighths / common) + "/" + std::to_string(jpeg::kFullScale / common) +
           " applies to JPEG only: this is a PNG, which has no DCT "
           "scaling; decode it at full size and shrink it with frame64.resize";
}
}  // namespace

// Each format gets its branch here.
ImageHeader read_image_header(const std::uint8_t* image, std::size_t size, jpeg::Strictness strictness,
                              bool orientation, const Scaling& scaling) {
    const bool strict = strictness == jpeg::Strictness::kStrict;
    ImageHeader header;
    header.format = image::sniff(image, size);
    switch (header.format) {
        case image::Format::kJpeg:
            header.jpeg = jpeg::read_header(image, size, strict, orientation);
            header.full_width = header.jpeg.out_width();
            header.full_height = header.jpeg.out_height();
            header.jpeg.scale_eighths = jpeg::equivalent_scale(
                header.jpeg.width, header.jpeg.height,
                scaling.max_side > 0
                    ? jpeg::scale_for_max_side(header.jpeg.width, header.jpeg.height, scaling.max_side)
                    : scaling.scale_eighths);
            header.width = header.jpeg.out_width();
            header.height = header.jpeg.out_height();
            return header;
        case image::Format::kPng:
            // max_side only bounds the work from below: a PNG has one scale, its own.
            if (scaling.scale_eighths != jpeg::kFullScale)
                throw PngDecodeError(png_scale_message(scaling.scale_eighths));
            try {
                header.png = std::make_unique<png::PngReader>(image, size, strict);
            } catch (const png::PngError& error) {
                throw PngDecodeError(error.what());
            }
            // libspng limits both sides to 2^31-1, so they fit an int.
            header.width = static_cast<int>(header.png->header().width);
            header.height = static_cast<int>(header.png->header().height);
            header.full_width = header.width;
            header.full_height = header.height;
            return header;
        case image::Format::kUnknown:
        default:
            throw DecodeError(image::describe_unknown(image, size));
    }
}

void check_pixel_limit(const ImageHeader& header, int channels, std::uint64_t max_pixels) {
    // The bomb guard counts the full-size frame even for a scaled decode:
    // libjpeg holds a progressive JPEG's coefficients at full size.
    const std::uint64_t full_pixels =
        static_cast<std::uint64_t>(header.full_width) * static_cast<std::uint64_t>(header.full_height);
    if (full_pixels > max_pixels) {
        const std::string message = "image is " + std::to_string(header.full_width) + "x" +
                                    std::to_string(header.full_height) + " (" + std::to_string(full_pixels) +
                                    " pixels), over max_pixels=" + std::to_string(max_pixels) +
                                    "; pass a larger max_pixels to decode it";
        if (header.format == image::Format::kPng) throw PngDecodeError(message);
        throw JpegDecodeError(message);
    }
    const std::uint64_t pixels = static_cast<std::uint64_t>(header.width) * static_cast<std::uint64_t>(header.height);
    if (pixels > static_cast<std::uint64_t>(PY_SSIZE_T_MAX) / static_cast<std::uint64_t>(channels))
        throw DecodeError("image is " + std::to_string(header.width) + "x" + std::to_string(header.height) +
                          ", too large for this platform's address space");
}

int checked_threads(int threads) {
    if (threads < 1) throw py::value_error("threads must be >= 1, got " + std::to_string(threads));
    return threads;
}

void decode_into(const std::uint8_t* image, std::size_t size, const ImageHeader& header, int pixel_format,
                 int channels, std::uint8_t* dst, jpeg::Strictness strictness, int threads) {
    if (header.format == image::Format::kPng) {
        png::Layout layout = png::Layout::kGray;
        png::layout_of(pixel_format, layout);  // checked_channels() admitted the code
        const std::size_t bytes = static_cast<std::size_t>(header.width) * static_cast<std::size_t>(header.height) *
                                  static_cast<std::size_t>(channels);
        try {
            header.png->decode(layout, dst, bytes, png::thread_decode_scratch());
        } catch (const png::PngError& error) {
            throw PngDecodeError(error.what());
        }
    } else {
        // Bands when the JPEG qualifies and every band decodes cleanly; else
        // (any warning or error too) the one-thread decode, whose messages are the reference.
        if (threads > 1 && jpeg::decompress_bands(image, size, header.jpeg, pixel_format, dst, threads)) return;
        jpeg::decompress(image, size, header.jpeg, pixel_format, dst, strictness, jpeg::thread_decode_scratch());
    }
}

namespace {

// With the GIL: checks the size against max_pixels and `out`, or allocates
// the array; then decodes into it with the GIL released. `image` must
// stay valid and unchanged throughout (thread-local or pinned).
py::object decode_pixels(const std::uint8_t* image, std::size_t size, const ImageHeader& header,
                         int pixel_format, int channels, py::handle out, std::uint64_t max_pixels,
                         jpeg::Strictness strictness, int threads) {
    check_pixel_limit(header, channels, max_pixels);
    py::object result;
    std::uint8_t* pixels_out = nullptr;
    std::optional<BufferView> out_view;  // pins the caller's array while the GIL is released
    if (!out.is_none()) {
        pixels_out = checked_out_pixels(out, header.height, header.width, channels, out_view);
        result = py::reinterpret_borrow<py::object>(out);
    } else {
        py::array_t<std::uint8_t> array =
            channels == 1 ? py::array_t<std::uint8_t>({header.height, header.width})
                          : py::array_t<std::uint8_t>({header.height, header.width, channels});
        pixels_out = array.mutable_data();
        result = std::move(array);
    }
    {
        // The destination is pinned by `out_view` or owned by `result` and
        // not yet visible to Python; the decoders are this thread's.
        py::gil_scoped_release release;
        decode_into(image, size, header, pixel_format, channels, pixels_out, strictness, threads);
    }
    return result;
}

py::object decode_image(py::handle data, std::size_t start, int pixel_format, py::handle out,
                        std::uint64_t max_pixels, int strictness_code, bool orientation, int scale_eighths,
                        int max_side, int threads) {
    const int channels = checked_channels(pixel_format);
    const jpeg::Strictness strictness = checked_strictness(strictness_code);
    const Scaling scaling = checked_scaling(scale_eighths, max_side);
    checked_threads(threads);
    check_out_type(out);
    TextInput text(data);
    if (start > text.size()) throw py::value_error("start is past the end of data");

    ScratchBuffer& scratch = thread_scratch();
    struct TrimOnExit {
        ScratchBuffer& scratch;
        ~TrimOnExit() { scratch.trim(); }
    } trim_on_exit{scratch};
    const std::uint8_t* image = nullptr;
    std::size_t size = 0;
    ImageHeader header;
    {
        // The text is pinned by `text` (a str is immutable; a buffer export
        // blocks resizing), and the scratch buffer and decompressor belong
        // to this thread: no Python object is touched.
        py::gil_scoped_release release;
        std::uint8_t* buffer = scratch.reserve(base64::decoded_capacity(text.size() - start));
        size = decode_payload(text, start, buffer);
        image = buffer;
        header = read_image_header(image, size, strictness, orientation, scaling);
    }
    return decode_pixels(image, size, header, pixel_format, channels, out, max_pixels, strictness, threads);
}

py::object decode_image_bytes(py::handle data, int pixel_format, py::handle out, std::uint64_t max_pixels,
                              int strictness_code, bool orientation, int scale_eighths, int max_side, int threads) {
    const int channels = checked_channels(pixel_format);
    const jpeg::Strictness strictness = checked_strictness(strictness_code);
    const Scaling scaling = checked_scaling(scale_eighths, max_side);
    checked_threads(threads);
    check_out_type(out);
    BufferView view(data, PyBUF_SIMPLE);
    ImageHeader header;
    {
        py::gil_scoped_release release;  // the bytes are pinned by `view`; the decompressor is this thread's
        header = read_image_header(view.bytes(), view.size(), strictness, orientation, scaling);
    }
    return decode_pixels(view.bytes(), view.size(), header, pixel_format, channels, out, max_pixels, strictness, threads);
}

int jpeg_band_count(py::handle data, int threads) {
    checked_threads(threads);
    BufferView view(data, PyBUF_SIMPLE);
    py::gil_scoped_release release;  // the bytes are pinned by `view`; the decompressor is this thread's
    const jpeg::JpegHeader header = jpeg::read_header(view.bytes(), view.size(), false, false);
    return jpeg::band_count(view.bytes(), view.size(), header, threads);
}

}  // namespace

void bind_decode(py::module_& m) {
    m.def("decode_image", &decode_image, py::arg("data"), py::arg("start"), py::arg("pixel_format"), py::arg("out"),
          py::arg("max_pixels"), py::arg("strictness"), py::arg("orientation"), py::arg("scale_eighths") = 8,
          py::arg("max_side") = 0, py::arg("threads") = 1,
          "Decode base64 text (from index start) holding a JPEG or PNG into a uint8 array; raises frame64.DecodeError.");
    m.def("decode_image_bytes", &decode_image_bytes, py::arg("data"), py::arg("pixel_format"), py::arg("out"),
          py::arg("max_pixels"), py::arg("strictness"), py::arg("orientation"), py::arg("scale_eighths") = 8,
          py::arg("max_side") = 0, py::arg("threads") = 1,
          "decode_image for raw (not base64) image bytes: the bare decompression, for comparisons.");
    m.def("jpeg_band_count", &jpeg_band_count, py::arg("data"), py::arg("threads"),
          "How many bands decode_image(threads=threads) cuts this raw JPEG into (0: one-thread path); for tests.");
    m.attr("parallel_bands") = jpeg::bands_supported();  // built with jpegint.h: one frame decodes across threads
}

}  // namespace frame64::bindings
