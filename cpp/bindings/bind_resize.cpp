// Bindings for the area filter: _core.resize (a new array) and the kernel
// choice for tests. The encoders call image::area_resize themselves
// (bind_jpeg.cpp, bind_png.cpp).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings/arrays.hpp"
#include "image/formats.hpp"
#include "image/resize.hpp"

namespace frame64::bindings {
namespace {

// The pixel format describe_frame checks a frame of `channels` channels as
// (the filter treats every channel alike, so the order does not matter).
int pixel_format_for(int channels) {
    switch (channels) {
        case 1: return image::kTjpfGray;
        case 3: return image::kTjpfBgr;
        case 4: return image::kTjpfBgra;
        default: throw py::value_error("channels must be 1, 3 or 4, got " + std::to_string(channels));
    }
}

py::array resize(py::handle image, int channels, int width, int height, int threads) {
    if (threads < 1) throw py::value_error("threads must be >= 1, got " + std::to_string(threads));
    BufferView view(image, PyBUF_RECORDS_RO);
    const FrameLayout frame = describe_frame(view, pixel_format_for(channels),
                                             {Py_ssize_t{INT32_MAX} / 4, "the area filter cannot resize", PY_SSIZE_T_MAX});
    const image::ResizeSource source{view.bytes(), static_cast<std::size_t>(frame.pitch), frame.width, frame.height,
                                     frame.channels};
    if (width == 0 && height == 0) throw py::value_error("size: needs a width and a height >= 1");
    image::resize_target(source.width, source.height, width, height);
    std::vector<py::ssize_t> shape = {height, width};
    if (view->ndim == 3) shape.push_back(channels);
    py::array_t<std::uint8_t, py::array::c_style> result(shape);
    std::uint8_t* out = result.mutable_data();
    {
        // Every argument is converted; the pixels are pinned by `view` and the
        // new array by `result`; the scratch buffers belong to each thread,
        // every band writes its own rows.
        py::gil_scoped_release release;
        image::area_resize(source, width, height, out, static_cast<std::size_t>(width) * channels, threads);
    }
    return result;
}

}  // namespace

void bind_resize(py::module_& m) {
    m.def("resize", &resize, py::arg("image"), py::arg("channels"), py::arg("width"), py::arg("height"),
          py::arg("threads") = 1,
          "Area-downscale a uint8 (H, W[, C]) frame to width x height (a new array), in bands of output rows on up "
          "to `threads` threads (the same pixels for any count).");
    bind_kernel_controls(m, {"resize_kernel", "set_resize_kernel", "supported_resize_kernels",
                             [] { return std::string(image::active_resize_kernel().name); },
                             &image::set_active_resize_kernel, &image::resize_kernel_names});
}

}  // namespace frame64::bindings
