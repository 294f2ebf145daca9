// Binding for the one-call JPEG path: numpy frame -> TurboJPEG -> base64 str.
#include <string>

#include "bindings/arrays.hpp"
#include "image/formats.hpp"
#include "image/resize.hpp"
#include "jpeg/jpeg_encoder.hpp"

namespace frame64::bindings {
namespace {

py::str encode_jpeg(py::handle image, int pixel_format, int quality, int subsampling, bool fast_dct,
                    bool progressive, bool data_uri, int width, int height, int resize_threads) {
    if (resize_threads < 1)
        throw py::value_error("resize_threads must be >= 1, got " + std::to_string(resize_threads));
    if (quality < 1 || quality > 100) throw py::value_error("quality must be in 1..100, got " + std::to_string(quality));
    if (!jpeg::valid_subsampling(subsampling))
        throw py::value_error("subsampling: unsupported TurboJPEG subsampling " + std::to_string(subsampling));
    if (!PyObject_CheckBuffer(image.ptr()))
        throw py::type_error(std::string("image: expected a buffer of uint8 pixels, got '") +
                             Py_TYPE(image.ptr())->tp_name + "'");
    BufferView view(image, PyBUF_RECORDS_RO);
    jpeg::CompressParams params = jpeg_frame_params(view, pixel_format);
    // libjpeg cannot make colour from one channel.
    if (pixel_format == image::kTjpfGray && subsampling != image::kTjsampGray)
        throw py::value_error("subsampling: a GRAY image needs TJSAMP_GRAY (" + std::to_string(image::kTjsampGray) +
                              "), got " + std::to_string(subsampling));
    params.subsampling = subsampling;
    params.quality = quality;
    params.fast_dct = fast_dct;
    params.progressive = progressive;
    const image::ResizeSource source{view.bytes(), static_cast<std::size_t>(params.pitch), params.width, params.height,
                                     checked_channels(pixel_format)};
    const bool resized = image::resize_target(params.width, params.height, width, height);
    if (resized) {
        params.width = width;
        params.height = height;
        params.pitch = width * source.channels;
    }

    jpeg::JpegCompressor& compressor = jpeg::thread_compressor();
    // Runs once the str holds the base64: an outsized buffer goes then.
    jpeg::ReleaseOutsizedBufferOnExit release_outsized(compressor);
    // The pixels are pinned by `view`; the compressor (and the resize buffer:
    // max_side resizes there, never making a full-size copy) are this thread's.
    // On several threads the resize streams: libjpeg compresses the rows
    // already resized while the other threads resize the next ones (the
    // same pixels, so the same bytes).
    auto encode = [&] {
        if (!resized) return compressor.compress(view.bytes(), params);
        if (image::resize_bands(source, height, resize_threads) <= 1)
            return compressor.compress(image::resize_to_thread_buffer(source, width, height), params);
        const std::size_t pitch = static_cast<std::size_t>(width) * source.channels;
        std::uint8_t* buffer = image::thread_resize_buffer(pitch * height);
        image::ResizeStream stream(source, width, height, buffer, pitch, resize_threads);
        return compressor.compress(buffer, params, {&image::ResizeStream::wait_rows_callback, &stream});
    };
    return base64_of_encoded(encode, data_uri ? image::kJpegDataUriPrefix : std::string_view());
}

}  // namespace

void bind_jpeg(py::module_& m) {
    m.def("encode_jpeg", &encode_jpeg, py::arg("image"), py::arg("pixel_format"), py::arg("quality"),
          py::arg("subsampling"), py::arg("fast_dct"), py::arg("progressive"), py::arg("data_uri"),
          py::arg("width") = 0, py::arg("height") = 0, py::arg("resize_threads") = 1,
          "Compress a uint8 frame (area-resized to width x height first when that differs, on up to "
          "`resize_threads` threads: the same pixels for any count; 0, 0: as it is) "
          "with TurboJPEG and return its base64 (optionally as a data URI) as str.");
}

}  // namespace frame64::bindings
