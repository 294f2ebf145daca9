// Bindings for PNG encoding: numpy frame -> PNG -> base64 str, the deflate
// stage alone, and the PNG kernel choice for tests. (Raw PNG bytes are
// decoded by bind_decode.cpp.)
#include <pybind11/stl.h>  // supported_png_simd returns std::vector<std::string>

#include <string>

#include "bindings/arrays.hpp"
#include "image/formats.hpp"
#include "image/resize.hpp"
#include "png/png_decoder.hpp"
#include "png/kernels.hpp"
#include "png/png_encoder.hpp"

namespace frame64::bindings {
namespace {

void check_compression(int compression) {
    if (compression < png::kMinCompression || compression > png::kMaxCompression)
        throw py::value_error("compression must be in 0..9, got " + std::to_string(compression));
}

// describe_frame for the PNG encoder, which takes any positive pitch.
png::EncodeParams png_frame_params(const BufferView& view, int pixel_format) {
    const FrameLayout frame =
        describe_frame(view, pixel_format, {Py_ssize_t{image::kMaxPngSide}, "PNG cannot hold", PY_SSIZE_T_MAX});
    png::EncodeParams params;
    params.width = static_cast<std::uint32_t>(frame.width);
    params.height = static_cast<std::uint32_t>(frame.height);
    params.pitch = static_cast<std::size_t>(frame.pitch);
    params.channels = frame.channels;
    params.swap_red_blue = image::find_pixel_format(pixel_format)->blue_first;  // describe_frame admitted the code
    return params;
}

py::str encode_png(py::handle image, int pixel_format, int compression, bool data_uri, int width, int height,
                   int threads, int resize_threads) {
    if (threads < 1) throw py::value_error("threads must be >= 1, got " + std::to_string(threads));
    if (resize_threads < 1)
        throw py::value_error("resize_threads must be >= 1, got " + std::to_string(resize_threads));
    check_compression(compression);
    png::Layout layout;
    if (!png::layout_of(pixel_format, layout))
        throw py::value_error("pixel_format: unsupported pixel format code " + std::to_string(pixel_format));
    BufferView view(image, PyBUF_RECORDS_RO);
    png::EncodeParams params = png_frame_params(view, pixel_format);
    params.compression = compression;
    // Sides are at most kMaxPngSide = 2**31 - 1, so they fit an int.
    const image::ResizeSource source{view.bytes(), params.pitch, static_cast<int>(params.width),
                                     static_cast<int>(params.height), params.channels};
    const bool resized = image::resize_target(source.width, source.height, width, height);
    if (resized) {
        params.width = static_cast<std::uint32_t>(width);
        params.height = static_cast<std::uint32_t>(height);
        params.pitch = static_cast<std::size_t>(width) * params.channels;
    }
    params.threads = threads;
    png::PngEncoder& encoder = png::thread_encoder();
    // The pixels are pinned by `view`; the encoder (and the resize buffer:
    // no full-size copy for max_side) are this thread's; its band tasks
    // share only its buffers, each band its own part.
    auto pixels = [&] { return resized ? image::resize_to_thread_buffer(source, width, height, resize_threads) : view.bytes(); };
    return base64_of_encoded([&] { return encoder.encode(pixels(), params); },
                             data_uri ? image::kPngDataUriPrefix : std::string_view());
}

// The deflate stage alone, for tests and benchmarks (not public API).
py::bytes png_deflate(py::handle data, int compression) {
    check_compression(compression);
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

}  // namespace

void bind_png(py::module_& m) {
    m.def("encode_png", &encode_png, py::arg("image"), py::arg("pixel_format"), py::arg("compression"),
          py::arg("data_uri"), py::arg("width") = 0, py::arg("height") = 0, py::arg("threads") = 1,
          py::arg("resize_threads") = 1,
          "Encode a uint8 frame (area-resized to width x height first when that differs, on up to `resize_threads` "
          "threads; 0, 0: as it is) as PNG, "
          "deflating its bands on `threads` threads (the same bytes for any count), and return its base64 (optionally as a data URI) as str.");
    m.def("png_deflate", &png_deflate, py::arg("data"), py::arg("compression"),
          "Internal: the zlib stream frame64's PNG encoder writes for `data` at this compression level.");
    bind_kernel_controls(m, {"png_simd", "set_png_simd", "supported_png_simd",
                             [] { return std::string(png::active_png_kernel().name); }, &png::set_png_kernel,
                             &png::png_kernel_names});
}

}  // namespace frame64::bindings
