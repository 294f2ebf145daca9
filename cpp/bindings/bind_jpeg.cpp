// Binding for the one-call JPEG path: numpy frame -> TurboJPEG -> base64 str.
#include <turbojpeg.h>

#include <climits>
#include <string>

#include "bindings/common.hpp"
#include "bindings/image.hpp"
#include "image/resize.hpp"
#include "jpeg/jpeg_encoder.hpp"

namespace frame64::bindings {
namespace {

// JPEG stores sizes in 16 bits (ITU T.81, B.2.2); libjpeg-turbo refuses more
// than JPEG_MAX_DIMENSION = 65500 (jmorecfg.h), so that is the real limit.
constexpr Py_ssize_t kMaxJpegDimension = 65500;

}  // namespace

// Describes the pixels of `image` for TurboJPEG: uint8, HxW or HxWxC with the
// channel count of pixel_format, each row contiguous, rows at any positive
// pitch. The Python layer copies other views before calling; this check is
// the core's own guard so that no input can make it read out of bounds.
jpeg::CompressParams describe_image(const BufferView& view, int pixel_format) {
    const int channels = jpeg::pixel_size(pixel_format);
    if (channels == 0) throw py::value_error("pixel_format: unsupported TurboJPEG pixel format " + std::to_string(pixel_format));
    // A null format means unsigned bytes (PEP 3118); "B" may carry a byte-order prefix ("<B", "=B").
    const std::string format = view->format != nullptr ? view->format : "B";
    if (view->itemsize != 1 || format.empty() || format.back() != 'B')
        throw py::type_error("image: expected uint8 pixels, got buffer format '" + format + "'");
    const int ndim = view->ndim;
    if (ndim != 2 && ndim != 3) throw py::value_error("image: expected 2 or 3 dimensions, got " + std::to_string(ndim));
    const Py_ssize_t height = view->shape[0];
    const Py_ssize_t width = view->shape[1];
    const Py_ssize_t depth = ndim == 3 ? view->shape[2] : 1;
    if (depth != channels)
        throw py::value_error("image: pixel_format needs " + std::to_string(channels) + " channel(s), got " +
                              std::to_string(depth));
    if (height < 1 || width < 1) throw py::value_error("image: zero-size image");
    if (height > kMaxJpegDimension || width > kMaxJpegDimension)
        throw py::value_error("image: libjpeg-turbo cannot compress more than 65500 pixels per side");
    // Exporters may leave strides NULL for C-contiguous data (ctypes does):
    // PEP 3118 then implies packed rows.
    const Py_ssize_t* strides = view->strides;
    const Py_ssize_t row_stride = strides != nullptr ? strides[0] : width * depth;
    const Py_ssize_t pixel_stride = strides != nullptr ? strides[1] : depth;
    const Py_ssize_t channel_stride = ndim == 3 && strides != nullptr ? strides[2] : 1;
    const bool packed_pixels = (width == 1 || pixel_stride == channels) && (channels == 1 || channel_stride == 1);
    const Py_ssize_t row_bytes = width * channels;
    const Py_ssize_t pitch = height == 1 ? row_bytes : row_stride;
    if (!packed_pixels || pitch < row_bytes || pitch > INT_MAX)
        throw py::value_error("image: each row must be contiguous with a positive pitch; pass np.ascontiguousarray(image)");
    jpeg::CompressParams params;
    params.width = static_cast<int>(width);
    params.height = static_cast<int>(height);
    params.pitch = static_cast<int>(pitch);
    params.pixel_format = pixel_format;
    return params;
}

namespace {

py::str encode_jpeg(py::handle image, int pixel_format, int quality, int subsampling, bool fast_dct,
                    bool progressive, bool data_uri, int width, int height) {
    if (quality < 1 || quality > 100) throw py::value_error("quality must be in 1..100, got " + std::to_string(quality));
    if (!jpeg::valid_subsampling(subsampling))
        throw py::value_error("subsampling: unsupported TurboJPEG subsampling " + std::to_string(subsampling));
    if (!PyObject_CheckBuffer(image.ptr()))
        throw py::type_error(std::string("image: expected a buffer of uint8 pixels, got '") +
                             Py_TYPE(image.ptr())->tp_name + "'");
    BufferView view(image, PyBUF_RECORDS_RO);
    jpeg::CompressParams params = describe_image(view, pixel_format);
    if (pixel_format == TJPF_GRAY && subsampling != TJSAMP_GRAY)  // libjpeg cannot make colour from one channel
        throw py::value_error("subsampling: a GRAY image needs TJSAMP_GRAY (" + std::to_string(TJSAMP_GRAY) + "), got " +
                              std::to_string(subsampling));
    params.subsampling = subsampling;
    params.quality = quality;
    params.fast_dct = fast_dct;
    params.progressive = progressive;
    if (width == 0 && height == 0) width = params.width, height = params.height;  // 0, 0: as it is
    check_resize_size(params.width, params.height, width, height);
    const image::ResizeSource source{view.bytes(), static_cast<std::size_t>(params.pitch), params.width, params.height,
                                     jpeg::pixel_size(pixel_format)};
    const bool resized = width != params.width || height != params.height;
    if (resized) {
        params.width = width;
        params.height = height;
        params.pitch = width * source.channels;
    }

    jpeg::TurboCompressor& compressor = jpeg::thread_compressor();
    jpeg::Bytes jpeg_bytes{};
    {
        // Every argument is converted; the pixels are pinned by `view` and the
        // compressor belongs to this thread, so no Python state is touched.
        py::gil_scoped_release release;
        // max_side: the frame is area-resized into this thread's buffer
        // first, so no full-size copy is ever made.
        const std::uint8_t* pixels = resized ? image::resize_to_thread_buffer(source, width, height) : view.bytes();
        jpeg_bytes = compressor.compress(pixels, params);
    }
    // The JPEG stays in the thread's buffer until this thread compresses again.
    return base64_str(jpeg_bytes.data, jpeg_bytes.size, data_uri ? kJpegDataUriPrefix : std::string_view());
}

}  // namespace

void bind_jpeg(py::module_& m) {
    py::register_exception<jpeg::JpegError>(m, "JpegError", PyExc_RuntimeError);
    m.def("encode_jpeg", &encode_jpeg, py::arg("image"), py::arg("pixel_format"), py::arg("quality"),
          py::arg("subsampling"), py::arg("fast_dct"), py::arg("progressive"), py::arg("data_uri"),
          py::arg("width") = 0, py::arg("height") = 0,
          "Compress a uint8 frame (area-resized to width x height first when that differs) with TurboJPEG and "
          "return its base64 (optionally as a data URI) as str.");
    m.attr("TJPF") = py::dict(py::arg("RGB") = int{TJPF_RGB}, py::arg("BGR") = int{TJPF_BGR},
                              py::arg("RGBA") = int{TJPF_RGBA}, py::arg("BGRA") = int{TJPF_BGRA},
                              py::arg("GRAY") = int{TJPF_GRAY});
    m.attr("TJSAMP") = py::dict(py::arg("444") = int{TJSAMP_444}, py::arg("422") = int{TJSAMP_422},
                                py::arg("420") = int{TJSAMP_420}, py::arg("gray") = int{TJSAMP_GRAY},
                                py::arg("440") = int{TJSAMP_440}, py::arg("411") = int{TJSAMP_411});
}

}  // namespace frame64::bindings
