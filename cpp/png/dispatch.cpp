// Runtime choice of the PNG kernel, the same design as base64/dispatch.cpp
// (whose cpuid + xgetbv detection it shares): a best-first list, the first
// supported kernel chosen on first use behind an atomic pointer. Compiled
// without any -m flags so it runs on every CPU.
#include <atomic>

#include "base64/base64.hpp"  // detected_features()
#include "png/kernels.hpp"

namespace frame64::png {

#if defined(FRAME64_KERNEL_AVX512VBMI)
extern const PngKernel kPngAvx512VbmiKernel;
#endif
#if defined(FRAME64_KERNEL_AVX2)
extern const PngKernel kPngAvx2Kernel;
#endif

namespace {

std::atomic<const PngKernel*> g_active{nullptr};

const PngKernel& best_supported() {
    for (const PngKernel* kernel : compiled_png_kernels())
        if (png_kernel_supported(*kernel)) return *kernel;
    return kPngScalarKernel;
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
    return (kernel.required_features & base64::detected_features()) == kernel.required_features;
}

const PngKernel& active_png_kernel() noexcept {
    const PngKernel* kernel = g_active.load(std::memory_order_acquire);
    if (kernel != nullptr) return *kernel;
    const PngKernel* expected = nullptr;
    const PngKernel* best = &best_supported();
    // Several threads may race here; they all compute the same answer.
    if (g_active.compare_exchange_strong(expected, best, std::memory_order_acq_rel)) return *best;
    return *expected;
}

std::string set_png_kernel(const std::string& name) {
    if (name == "auto") {
        g_active.store(&best_supported(), std::memory_order_release);
        return {};
    }
    static const char* const kKnown[] = {"avx512vbmi", "avx2", "scalar"};
    for (const PngKernel* kernel : compiled_png_kernels()) {
        if (name != kernel->name) continue;
        if (!png_kernel_supported(*kernel))
            return "the '" + name + "' PNG kernel is compiled in but this CPU (or its OS) cannot run it";
        g_active.store(kernel, std::memory_order_release);
        return {};
    }
    for (const char* known : kKnown)
        if (name == known) return "the '" + name + "' PNG kernel is not compiled into this build";
    std::string message = "unknown PNG kernel '" + name + "'; expected one of: auto";
    for (const char* known : kKnown) message += std::string(", ") + known;
    return message;
}

}  // namespace frame64::png
