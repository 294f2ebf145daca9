// Runtime choice of the PNG kernel: image/kernel_choice.hpp, as for base64,
// with base64/dispatch.cpp's cpuid + xgetbv detection. Compiled without any
// -m flags so it runs on every CPU.
#include "base64/base64.hpp"  // detected_features()
#include "image/kernel_choice.hpp"
#include "png/kernels.hpp"

namespace frame64::png {

#if defined(FRAME64_KERNEL_AVX512VBMI)
extern const PngKernel kPngAvx512VbmiKernel;
#endif
#if defined(FRAME64_KERNEL_AVX2)
extern const PngKernel kPngAvx2Kernel;
#endif

namespace {

image::KernelChoice<PngKernel>& choice() {
    static image::KernelChoice<PngKernel> instance("PNG", {"avx512vbmi", "avx2", "scalar"});
    return instance;
}

}  // namespace

const std::vector<const PngKernel*>& compiled_png_kernels() noexcept {
    static const std::vector<const PngKernel*> kernels = {
#if defined(FRAME64_KERNEL_AVX512VBMI)
        &kPngAvx512VbmiKernel,
#endif
#if defined(FRAME64_KERNEL_AVX2)
        &kPngAvx2Kernel,
#endif
        &kPngScalarKernel,
    };
    return kernels;
}

bool png_kernel_supported(const PngKernel& kernel) noexcept {
    return image::KernelChoice<PngKernel>::supported(kernel, base64::detected_features());
}

const PngKernel& active_png_kernel() noexcept { return choice().active(compiled_png_kernels(), base64::detected_features()); }

std::string set_png_kernel(const std::string& name) {
    return choice().set(name, compiled_png_kernels(), base64::detected_features());
}

std::vector<std::string> png_kernel_names(bool supported_only) {
    return image::KernelChoice<PngKernel>::names(compiled_png_kernels(), base64::detected_features(), supported_only);
}

}  // namespace frame64::png
