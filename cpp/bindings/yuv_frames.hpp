// The compiled core's own check of a YUV frame (frame64._yuv checks first and
// copies odd views), shared by encode_yuv (bind_yuv.cpp) and the
// BatchEncoder's YUV methods (bind_encoder.cpp).
#pragma once

#include <memory>

#include "bindings/arrays.hpp"
#include "jpeg/yuv_encoder.hpp"

namespace frame64::bindings {

// A YUV frame's planes, pinned while this lives, and the source over them.
struct YuvFrameViews {
    std::unique_ptr<BufferView> views[3];
    jpeg::YuvSource source;
};

// Takes the planes of a frame of `layout` (kYuv*) and size: each a 2-D
// uint8 buffer of the layout's shape, rows contiguous at a positive pitch.
// ValueError/TypeError naming the argument ("image plane 1: ...") otherwise.
void take_yuv_planes(YuvFrameViews& out, const py::tuple& planes, int layout, int width, int height, int yuv_range,
                     int yuv_matrix);

// The same for a frame64._yuv.YuvFrame tuple: (planes, layout, width, height, yuv_range, yuv_matrix).
void take_yuv_frame(YuvFrameViews& out, py::handle frame);

}  // namespace frame64::bindings
