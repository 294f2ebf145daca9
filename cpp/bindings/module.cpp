// frame64._core: the compiled backend. Each feature registers itself from
// its own thin binding file; the hot code lives in the frame64_kernels library.
#include <pybind11/pybind11.h>

#include "bindings/errors.hpp"
#include "image/formats.hpp"
#include "image/yuv_convert.hpp"

#ifndef FRAME64_VERSION
#define FRAME64_VERSION "0+unknown"
#endif
#ifndef FRAME64_TURBOJPEG_VERSION
#define FRAME64_TURBOJPEG_VERSION "unknown"
#endif

namespace py = pybind11;

namespace frame64::bindings {

// Registration of each part of the module (one binding file each).
void bind_base64(py::module_& m);
void bind_jpeg(py::module_& m);
void bind_encoder(py::module_& m);
void bind_png(py::module_& m);
void bind_decode(py::module_& m);
void bind_decoder(py::module_& m);
void bind_yuv(py::module_& m);
void bind_resize(py::module_& m);

namespace {

py::bytes as_bytes(const std::uint8_t* data, std::size_t size) {
    return py::bytes(reinterpret_cast<const char*>(data), size);
}

// image/formats.hpp, under the names of frame64._formats (tests/api/test_formats.py
// checks that the two tables agree).
void export_formats(py::module_& m) {
    py::dict tjpf, pixel_size, tjsamp, mcu_size;
    py::set blue_first;
    for (const image::PixelFormat& format : image::kPixelFormats) {
        tjpf[format.name] = format.code;
        pixel_size[py::int_(format.code)] = format.channels;
        if (format.blue_first) blue_first.add(format.code);
    }
    for (const image::Subsampling& subsampling : image::kSubsamplings) {
        tjsamp[subsampling.name] = subsampling.code;
        mcu_size[py::int_(subsampling.code)] = py::make_tuple(subsampling.mcu_width, subsampling.mcu_height);
    }
    m.attr("TJPF") = tjpf;
    m.attr("TJSAMP") = tjsamp;
    m.attr("PIXEL_SIZE") = pixel_size;
    m.attr("BLUE_FIRST") = py::reinterpret_steal<py::object>(PyFrozenSet_New(blue_first.ptr()));
    m.attr("MCU_SIZE") = mcu_size;
    py::dict yuv_coefficients;
    for (const image::YuvCoefficients& k : image::kYuvCoefficients)
        yuv_coefficients[py::make_tuple(k.range, k.matrix)] = py::make_tuple(k.ky, k.kyb, k.kyr, k.kbb, k.kbr, k.krb, k.krr);
    m.attr("YUV_COEFFICIENTS") = yuv_coefficients;
    m.attr("MAX_JPEG_SIDE") = image::kMaxJpegSide;
    m.attr("MAX_PNG_SIDE") = image::kMaxPngSide;
    m.attr("JPEG_MAGIC") = as_bytes(image::kJpegMagic, sizeof image::kJpegMagic);
    m.attr("PNG_SIGNATURE") = as_bytes(image::kPngSignature, sizeof image::kPngSignature);
    m.attr("DATA_URI_PREFIX") = py::dict(py::arg("jpeg") = py::str(image::kJpegDataUriPrefix),
                                         py::arg("png") = py::str(image::kPngDataUriPrefix));
}

}  // namespace
}  // namespace frame64::bindings

// Safe without the GIL (free-threaded CPython, PEP 703): shared state is an
// atomic (kernel choices, binascii's rules), set at import (error classes), a
// mutex (a pending result asked by several threads) or per thread (encoder
// and decoder scratch). scripts/freethreaded-test.sh runs the suite, its
// 8-thread stress tests included, on CPython 3.13t with the GIL off.
PYBIND11_MODULE(_core, m, py::mod_gil_not_used()) {
    namespace fb = frame64::bindings;
    m.doc() = "frame64's compiled backend (use the frame64 package, not this module directly).";
    m.attr("__version__") = FRAME64_VERSION;
    m.attr("turbojpeg_version") = FRAME64_TURBOJPEG_VERSION;  // libturbojpeg built against (pkg-config)
    fb::register_errors(m);
    fb::export_formats(m);
    fb::bind_base64(m);
    fb::bind_jpeg(m);
    fb::bind_encoder(m);
    fb::bind_png(m);
    fb::bind_decode(m);
    fb::bind_decoder(m);
    fb::bind_yuv(m);
    fb::bind_resize(m);
}
