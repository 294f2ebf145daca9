// Bindings for PNG: numpy frame -> PNG -> base64 str, and raw PNG bytes ->
// numpy frame (frame64.decode calls the latter after base64-decoding).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>  // png_kernels returns std::vector<std::string>

#include <string>

#include "bindings/common.hpp"
#include "png/png_decoder.hpp"
#include "png/kernels.hpp"
#include "png/png_encoder.hpp"

namespace frame64::bindings {
namespace {

constexpr std::string_view kPngDataUriPrefix = "data:image/png;base64,";

// TurboJPEG's pixel-format codes (turbojpeg.h), which frame64._options uses
// for every format; repeated here so this file does not need turbojpeg.h.
enum PixelFormat { kRGB = 0, kBGR = 1, kGray = 6, kRGBA = 7, kBGRA = 8 };

png::Layout layout_of(int pixel_format) {
    switch (pixel_format) {
        case kRGB: return png::Layout::kRGB;
        case kBGR: return png::Layout::kBGR;
        case kRGBA: return png::Layout::kRGBA;
        case kBGRA: return png::Layout::kBGRA;
        case kGray: return png::Layout::kGray;
        default:
            throw py::value_error("pixel_format: unsupported pixel format code " + std::to_string(pixel_format));
    }
}

// Describes `image` for the PNG encoder: uint8, HxW or HxWxC, every row one
// contiguous run of pixels at a positive pitch. The Python layer copies other
// views first; this is the core's own guard against reading out of bounds.
png::EncodeParams describe_frame(const BufferView& view, png::Layout layout) {
    const int channels = png::layout_channels(layout);
    if (view->itemsize != 1 || view->format == nullptr || std::string(view->format).back() != 'B')
        throw py::type_error(std::string("image: expected uint8 pixels, got buffer format '") +
                             (view->format ? view->format : "B") + "'");
    const int ndim = view->ndim;
    if (ndim != 2 && ndim != 3) throw py::value_error("image: expected 2 or 3 dimensions, got " + std::to_string(ndim));
    const Py_ssize_t height = view->shape[0], width = view->shape[1];
    const Py_ssize_t depth = ndim == 3 ? view->shape[2] : 1;
    if (depth != channels)
        throw py::value_error("image: pixel_format needs " + std::to_string(channels) + " channel(s), got " +
                              std::to_string(depth));
    if (height < 1 || width < 1) throw py::value_error("image: zero-size image");
    if (height > Py_ssize_t{png::kMaxDimension} || width > Py_ssize_t{png::kMaxDimension})
        throw py::value_error("image: PNG cannot hold more than 2147483647 pixels per side");
    const Py_ssize_t channel_stride = ndim == 3 ? view->strides[2] : 1;
    const bool packed = (width == 1 || view->strides[1] == channels) && (channels == 1 || channel_stride == 1);
    const Py_ssize_t row_bytes = width * channels;
    const Py_ssize_t pitch = height == 1 ? row_bytes : view->strides[0];
    if (!packed || pitch < row_bytes)
        throw py::value_error("image: each row must be contiguous with a positive pitch; pass np.ascontiguousarray(image)");
    png::EncodeParams params;
    params.width = static_cast<std::uint32_t>(width);
    params.height = static_cast<std::uint32_t>(height);
    params.pitch = static_cast<std::size_t>(pitch);
    params.channels = channels;
    params.swap_red_blue = layout == png::Layout::kBGR || layout == png::Layout::kBGRA;
    return params;
}

py::str encode_png(py::handle image, int pixel_format, int compression, bool data_uri, int threads) {
    if (threads < 1) throw py::value_error("threads must be >= 1, got " + std::to_string(threads));
    if (compression < png::kMinCompression || compression > png::kMaxCompression)
        throw py::value_error("compression must be in 0..9, got " + std::to_string(compression));
    const png::Layout layout = layout_of(pixel_format);
    BufferView view(image, PyBUF_RECORDS_RO);
    png::EncodeParams params = describe_frame(view, layout);
    params.compression = compression;
    params.threads = threads;
    png::PngEncoder& encoder = png::thread_encoder();
    png::Bytes png_bytes{};
    {
        // Every argument is converted, the pixels are pinned by `view` and the
        // encoder belongs to this thread (its band tasks share only its
        // buffers, each band its own part): no Python state is touched.
        py::gil_scoped_release release;
        png_bytes = encoder.encode(view.bytes(), params);
    }
    return base64_str(png_bytes.data, png_bytes.size, data_uri ? kPngDataUriPrefix : std::string_view());
}

// The deflate stage alone, for tests and benchmarks (not public API).
py::bytes png_deflate(py::handle data, int compression) {
    if (compression < png::kMinCompression || compression > png::kMaxCompression)
        throw py::value_error("compression must be in 0..9, got " + std::to_string(compression));
    BufferView view(data, PyBUF_SIMPLE);
    png::PngEncoder& encoder = png::thread_encoder();
    std::string out(encoder.deflate_bound(compression, view.size()), '\0');
    std::size_t size = 0;
    {
        py::gil_scoped_release release;  // input pinned by `view`; `out` is local
        size = encoder.deflate(compression, view.bytes(), view.size(), reinterpret_cast<std::uint8_t*>(out.data()));
    }
    return py::bytes(out.data(), size);
}

using ByteArray = py::array_t<std::uint8_t, py::array::c_style>;

// `out` must be a writable, C-contiguous uint8 array of exactly `shape`.
void check_out(const py::array& out, const std::vector<py::ssize_t>& shape) {
    auto shape_text = [](const std::vector<py::ssize_t>& s) {
        std::string text = "(";
        for (std::size_t i = 0; i < s.size(); ++i) text += (i ? ", " : "") + std::to_string(s[i]);
        return text + (s.size() == 1 ? ",)" : ")");
    };
    std::vector<py::ssize_t> got(out.shape(), out.shape() + out.ndim());
    if (out.dtype().kind() != 'u' || out.dtype().itemsize() != 1)
        throw py::value_error("out must have dtype uint8, got " + std::string(py::str(out.dtype())));
    if (got != shape)
        throw py::value_error("out must have shape " + shape_text(shape) + ", got " + shape_text(got));
    if (!(out.flags() & py::array::c_style)) throw py::value_error("out must be C-contiguous");
    if (!out.writeable()) throw py::value_error("out must be writable");
}

[[maybe_unused]] py::array decode_png(py::handle png_data, int pixel_format, py::object out, long long max_pixels, bool strict) {
    const png::Layout layout = layout_of(pixel_format);
    if (max_pixels < 1) throw py::value_error("max_pixels must be >= 1, got " + std::to_string(max_pixels));
    BufferView input(png_data, PyBUF_SIMPLE);
    png::PngReader reader(input.bytes(), input.size(), strict);
    const png::PngHeader& header = reader.header();
    const unsigned long long pixels = static_cast<unsigned long long>(header.width) * header.height;
    if (pixels > static_cast<unsigned long long>(max_pixels))
        throw png::PngError("PNG is " + std::to_string(header.width) + "x" + std::to_string(header.height) + " = " +
                            std::to_string(pixels) + " pixels, more than max_pixels=" + std::to_string(max_pixels));
    const int channels = png::layout_channels(layout);
    if (pixels > static_cast<unsigned long long>(PY_SSIZE_T_MAX) / 4)
        throw png::PngError("PNG is too large for this platform's address space");
    std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(header.height), static_cast<py::ssize_t>(header.width)};
    if (channels > 1) shape.push_back(channels);
    py::array result;
    if (out.is_none()) {
        result = ByteArray(shape);
    } else {
        if (!py::isinstance<py::array>(out)) throw py::type_error("out must be a numpy.ndarray or None");
        result = py::reinterpret_borrow<py::array>(out);
        check_out(result, shape);
    }
    auto* pixels_out = static_cast<std::uint8_t*>(result.mutable_data());
    const std::size_t size = static_cast<std::size_t>(pixels) * channels;
    std::vector<std::uint8_t>& scratch = png::thread_decode_scratch();
    {
        // The input is pinned by `input`, the output array is held by
        // `result`, and the reader and scratch buffer belong to this thread.
        py::gil_scoped_release release;
        reader.decode(layout, pixels_out, size, scratch);
    }
    return result;
}

}  // namespace

void bind_png(py::module_& m) {
    py::register_exception<png::PngError>(m, "PngError", PyExc_ValueError);
    m.def("encode_png", &encode_png, py::arg("image"), py::arg("pixel_format"), py::arg("compression"),
          py::arg("data_uri"), py::arg("threads") = 1, "Encode a uint8 frame as PNG and return its base64 (optionally as a data URI) as str.");
    m.def("png_deflate", &png_deflate, py::arg("data"), py::arg("compression"),
          "Internal: the zlib stream frame64's PNG encoder writes for `data` at this compression level.");
    m.def("png_simd", [] { return std::string(png::active_png_kernel().name); }, "Name of the active PNG kernel.");
    m.def(
        "set_png_simd",
        [](const std::string& name) {
            const std::string error = png::set_png_kernel(name);
            if (!error.empty()) throw py::value_error(error);
        },
        py::arg("name"), "Force a PNG kernel by name ('auto' restores the best supported one); for tests.");
    m.def(
        "supported_png_simd",
        [] {
            std::vector<std::string> names;
            for (const png::PngKernel* kernel : png::compiled_png_kernels())
                if (png::png_kernel_supported(*kernel)) names.emplace_back(kernel->name);
            return names;
        },
        "Compiled PNG kernels this CPU can run, best first.");
}

}  // namespace frame64::bindings
