// The one exception translator: the core's C++ errors become the Python
// classes defined once in src/frame64/_errors.py.
#pragma once

#include <pybind11/pybind11.h>

namespace frame64::bindings {

// Imports frame64._errors, sets m.JpegError and m.PngError to its classes
// and registers the translator (once, from module.cpp):
//   image::JpegDecodeError -> frame64._errors.JpegDecodeError
//   image::PngDecodeError  -> frame64._errors.PngDecodeError
//   image::DecodeError -> frame64._errors.DecodeError
//   png::PngError      -> frame64._errors.PngError
//   jpeg::JpegError    -> frame64._errors.JpegError
void register_errors(pybind11::module_& m);

}  // namespace frame64::bindings
