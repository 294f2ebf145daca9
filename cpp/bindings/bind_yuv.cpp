// Binding for YUV input (I420, NV12, YUYV, UYVY): planes -> libjpeg's raw-data API -> base64 str.
#include <pybind11/stl.h>  // yuv_kernels returns std::vector<std::string>

#include <string>

#include "bindings/arrays.hpp"
#include "bindings/yuv_frames.hpp"
#include "image/formats.hpp"
#include "image/yuv_convert.hpp"
#include "image/yuv_split.hpp"
#include "jpeg/jpeg_encoder.hpp"
#include "jpeg/yuv_encoder.hpp"

namespace frame64::bindings {
namespace {

std::string shape_text(Py_ssize_t rows, Py_ssize_t columns) {
    return "(" + std::to_string(rows) + ", " + std::to_string(columns) + ")";
}

// The core's own guard (the front end checks first and copies odd views):
// plane `index` is a 2-D uint8 buffer of exactly rows x columns, each row
// contiguous, rows at a positive pitch (below 2^31 bytes).
std::ptrdiff_t plane_pitch(const BufferView& view, int index, Py_ssize_t rows, Py_ssize_t columns) {
    const std::string name = "image plane " + std::to_string(index);
    if (view->itemsize != 1 || (view->format != nullptr && std::string(view->format) != "B"))
        throw py::type_error(name + ": expected uint8 samples");
    if (view->ndim != 2 || view->shape[0] != rows || view->shape[1] != columns)
        throw py::value_error(name + ": expected shape " + shape_text(rows, columns));
    const Py_ssize_t* strides = view->strides;
    if (strides != nullptr && columns > 1 && strides[1] != 1)
        throw py::value_error(name + ": each row must be contiguous");
    const Py_ssize_t pitch = (strides == nullptr || rows == 1) ? columns : strides[0];
    if (pitch < columns || pitch > 0x7FFFFFFF)
        throw py::value_error(name + ": rows must be at a positive pitch of at least " + std::to_string(columns) +
                              " bytes");
    return pitch;
}

}  // namespace

void take_yuv_planes(YuvFrameViews& out, const py::tuple& planes, int layout, int width, int height, int yuv_range,
                     int yuv_matrix) {
    if (layout < jpeg::kYuvI420 || layout > jpeg::kYuvUyvy)
        throw py::value_error("pixel_format: unknown YUV layout " + std::to_string(layout));
    if (width < 1 || height < 1 || width > image::kMaxJpegSide || height > image::kMaxJpegSide)
        throw py::value_error("image: " + std::to_string(width) + "x" + std::to_string(height) +
                              " is outside 1..65500 pixels per side");
    if (yuv_range != image::kYuvRangeFull && yuv_range != image::kYuvRangeLimited)
        throw py::value_error("yuv_range: unknown code " + std::to_string(yuv_range));
    if (yuv_matrix != image::kYuvMatrixBt601 && yuv_matrix != image::kYuvMatrixBt709)
        throw py::value_error("yuv_matrix: unknown code " + std::to_string(yuv_matrix));
    const bool packed = layout == jpeg::kYuvYuyv || layout == jpeg::kYuvUyvy;
    if (packed && width % 2 != 0) throw py::value_error("image: packed 4:2:2 rows need an even width");
    const Py_ssize_t cw = jpeg::yuv_chroma_width(layout, width), ch = jpeg::yuv_chroma_height(layout, height);
    // Each plane: (rows, bytes per row).
    Py_ssize_t shapes[3][2] = {{height, width}, {ch, cw}, {ch, cw}};
    std::size_t count = 3;
    if (layout == jpeg::kYuvNv12) {
        shapes[1][1] = 2 * cw;
        count = 2;
    } else if (packed) {
        shapes[0][1] = 2 * static_cast<Py_ssize_t>(width);
        count = 1;
    }
    if (planes.size() != count)
        throw py::value_error("image: expected " + std::to_string(count) + " plane(s), got " +
                              std::to_string(planes.size()));
    jpeg::YuvSource& source = out.source;
    source.layout = layout;
    source.width = width;
    source.height = height;
    source.range = yuv_range;
    source.matrix = yuv_matrix;
    for (std::size_t i = 0; i < count; ++i) {
        if (!PyObject_CheckBuffer(planes[i].ptr()))
            throw py::type_error("image plane " + std::to_string(i) + ": expected a buffer of uint8 samples");
        out.views[i] = std::make_unique<BufferView>(planes[i], PyBUF_RECORDS_RO);
        source.pitches[i] = plane_pitch(*out.views[i], static_cast<int>(i), shapes[i][0], shapes[i][1]);
        source.planes[i] = out.views[i]->bytes();
    }
}

void take_yuv_frame(YuvFrameViews& out, py::handle frame) {
    const py::tuple fields = py::reinterpret_borrow<py::object>(frame).cast<py::tuple>();
    if (fields.size() != 6)
        throw py::value_error("frame: expected (planes, layout, width, height, yuv_range, yuv_matrix), got " +
                              std::to_string(fields.size()) + " fields");
    take_yuv_planes(out, fields[0].cast<py::tuple>(), fields[1].cast<int>(), fields[2].cast<int>(),
                    fields[3].cast<int>(), fields[4].cast<int>(), fields[5].cast<int>());
}

namespace {

py::str encode_yuv(const py::tuple& planes, int layout, int width, int height, int yuv_range, int yuv_matrix,
                   int quality, int subsampling, bool fast_dct, bool progressive, bool data_uri) {
    if (quality < 1 || quality > 100) throw py::value_error("quality must be in 1..100, got " + std::to_string(quality));
    YuvFrameViews frame;
    take_yuv_planes(frame, planes, layout, width, height, yuv_range, yuv_matrix);
    if (subsampling != jpeg::yuv_subsampling(layout))
        throw py::value_error("subsampling: this YUV layout compresses to TJSAMP " +
                              std::to_string(jpeg::yuv_subsampling(layout)) + ", got " + std::to_string(subsampling));
    jpeg::CompressParams params;
    params.quality = quality;
    params.fast_dct = fast_dct;
    params.progressive = progressive;
    jpeg::JpegCompressor& compressor = jpeg::thread_compressor();
    // Runs once the str holds the base64: an outsized buffer goes then.
    jpeg::ReleaseOutsizedBufferOnExit release_outsized(compressor);
    // The planes are pinned by `frame`; the compressor and scratch are this thread's.
    return base64_of_encoded([&] { return jpeg::compress_yuv(compressor, frame.source, params); },
                             data_uri ? image::kJpegDataUriPrefix : std::string_view());
}

}  // namespace

void bind_yuv(py::module_& m) {
    m.def("encode_yuv", &encode_yuv, py::arg("planes"), py::arg("layout"), py::arg("width"), py::arg("height"),
          py::arg("yuv_range"), py::arg("yuv_matrix"), py::arg("quality"), py::arg("subsampling"),
          py::arg("fast_dct"), py::arg("progressive"), py::arg("data_uri"),
          "Compress YUV planes (validated by frame64._yuv) to a base64 JPEG str, converting range/matrix to "
          "full-range BT.601.");
    bind_kernel_controls(m, {"yuv_kernel", "set_yuv_kernel", "supported_yuv_kernels",
                             [] { return std::string(image::yuv_split_kernel().name); }, &image::set_yuv_split_kernel,
                             &image::yuv_split_kernel_names});
}

}  // namespace frame64::bindings
