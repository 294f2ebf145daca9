// Run-time choice of the YUV split kernel, on the CPU features that
// base64/dispatch.cpp detects (cpuid + xgetbv). Compiled without -m flags.
#include <atomic>

#include "base64/base64.hpp"
#include "image/yuv_split.hpp"

namespace frame64::image {

#if defined(FRAME64_YUV_SPLIT_KERNEL_AVX2)
extern const YuvSplitKernel kYuvSplitAvx2;
#endif

namespace {

const YuvSplitKernel* const kCompiled[] = {
#if defined(FRAME64_YUV_SPLIT_KERNEL_AVX2)
    &kYuvSplitAvx2,
#endif
    &kYuvSplitScalar,
};

bool supported(const YuvSplitKernel& kernel) {
    return (base64::detected_features() & kernel.required_features) == kernel.required_features;
}

const YuvSplitKernel* best() {
    for (const YuvSplitKernel* kernel : kCompiled)
        if (supported(*kernel)) return kernel;
    return &kYuvSplitScalar;
}

std::atomic<const YuvSplitKernel*> active{nullptr};

}  // namespace

const YuvSplitKernel& yuv_split_kernel() noexcept {
    const YuvSplitKernel* kernel = active.load(std::memory_order_acquire);
    if (kernel == nullptr) {
        kernel = best();
        active.store(kernel, std::memory_order_release);
    }
    return *kernel;
}

std::string set_yuv_split_kernel(const std::string& name) {
    if (name == "auto") {
        active.store(best(), std::memory_order_release);
        return "";
    }
    for (const YuvSplitKernel* kernel : kCompiled) {
        if (name != kernel->name) continue;
        if (!supported(*kernel)) return "the '" + name + "' YUV kernel is compiled in but this CPU cannot run it";
        active.store(kernel, std::memory_order_release);
        return "";
    }
    std::string known;
    for (const std::string& each : yuv_split_kernel_names(false)) known += (known.empty() ? "'" : ", '") + each + "'";
    return "unknown YUV kernel '" + name + "' (compiled: " + known + ", or 'auto')";
}

std::vector<std::string> yuv_split_kernel_names(bool supported_only) {
    std::vector<std::string> names;
    for (const YuvSplitKernel* kernel : kCompiled)
        if (!supported_only || supported(*kernel)) names.emplace_back(kernel->name);
    return names;
}

}  // namespace frame64::image
