// The scalar PNG kernel: the portable loops of kernel_common.hpp, the twin
// that every SIMD kernel must match byte for byte.
#include "png/kernel_common.hpp"

namespace frame64::png {

const PngKernel kPngScalarKernel{"scalar", 0, find_run_scalar, pack_literals_scalar, filter_up_scalar,
                                   filter_costs_scalar, filter_row_scalar};

}  // namespace frame64::png
