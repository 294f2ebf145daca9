// Run-time choice of the YUV split kernel: image/kernel_choice.hpp, on the CPU
// features that base64/dispatch.cpp detects (cpuid + xgetbv). Compiled without -m flags.
#include <vector>

#include "base64/base64.hpp"
#include "image/kernel_choice.hpp"
#include "image/yuv_split.hpp"

namespace frame64::image {

#if defined(FRAME64_YUV_SPLIT_KERNEL_AVX2)
extern const YuvSplitKernel kYuvSplitAvx2;
#endif

namespace {

const std::vector<const YuvSplitKernel*>& compiled() {
    static const std::vector<const YuvSplitKernel*> kernels = {
#if defined(FRAME64_YUV_SPLIT_KERNEL_AVX2)
        &kYuvSplitAvx2,
#endif
        &kYuvSplitScalar,
    };
    return kernels;
}

KernelChoice<YuvSplitKernel>& choice() {
    static KernelChoice<YuvSplitKernel> instance("YUV", {"avx2", "scalar"});
    return instance;
}

}  // namespace

const YuvSplitKernel& yuv_split_kernel() noexcept { return choice().active(compiled(), base64::detected_features()); }

std::string set_yuv_split_kernel(const std::string& name) {
    return choice().set(name, compiled(), base64::detected_features());
}

std::vector<std::string> yuv_split_kernel_names(bool supported_only) {
    return KernelChoice<YuvSplitKernel>::names(compiled(), base64::detected_features(), supported_only);
}

}  // namespace frame64::image
