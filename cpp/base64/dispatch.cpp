// Runtime kernel selection, after simdutf's design: one Kernel object per
// instruction set, a best-first list, detection on first use behind an atomic
// pointer. Compiled without any -m flags so it runs on every CPU.
#include "base64/base64.hpp"
#include "image/kernel_choice.hpp"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#define FRAME64_X86 1
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

namespace frame64::base64 {

#if defined(FRAME64_KERNEL_AVX512VBMI)
extern const Kernel kAvx512VbmiKernel;
#endif
#if defined(FRAME64_KERNEL_AVX2)
extern const Kernel kAvx2Kernel;
#endif
#if defined(FRAME64_KERNEL_NEON)
extern const Kernel kNeonKernel;
#endif

namespace {

#if defined(FRAME64_X86)
void cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4]) {
#if defined(_MSC_VER)
    int r[4];
    __cpuidex(r, static_cast<int>(leaf), static_cast<int>(subleaf));
    for (int i = 0; i < 4; ++i) regs[i] = static_cast<unsigned>(r[i]);
#else
    __cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
#endif
}

// XCR0 says which register states the OS saves on a context switch. Inline
// asm rather than _xgetbv(), which would need -mxsave on this file.
std::uint64_t xgetbv0() {
#if defined(_MSC_VER)
    return _xgetbv(0);
#else
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (std::uint64_t{hi} << 32) | lo;
#endif
}

std::uint32_t detect() {
    unsigned r[4];
    cpuid(0, 0, r);
    const unsigned max_leaf = r[0];
    if (max_leaf < 7) return 0;
    cpuid(1, 0, r);
    const bool osxsave = (r[2] >> 27) & 1;
    const bool avx = (r[2] >> 28) & 1;
    if (!osxsave || !avx) return 0;
    const std::uint64_t xcr0 = xgetbv0();
    const bool os_ymm = (xcr0 & 0x6) == 0x6;     // SSE + AVX state
    const bool os_zmm = (xcr0 & 0xE6) == 0xE6;   // + opmask, ZMM_Hi256, Hi16_ZMM
    cpuid(7, 0, r);
    const bool avx2 = (r[1] >> 5) & 1;
    const bool avx512f = (r[1] >> 16) & 1;
    const bool avx512bw = (r[1] >> 30) & 1;
    const bool avx512vbmi = (r[2] >> 1) & 1;
    std::uint32_t features = 0;
    if (os_ymm && avx2) features |= kFeatureAVX2;
    if (os_zmm && avx512f && avx512bw && avx512vbmi) features |= kFeatureAVX512VBMI;
    return features;
}
#elif defined(__aarch64__) || defined(_M_ARM64)
std::uint32_t detect() { return kFeatureNEON; }  // Advanced SIMD is mandatory on AArch64
#else
std::uint32_t detect() { return 0; }
#endif

image::KernelChoice<Kernel>& choice() {
    static image::KernelChoice<Kernel> instance("base64", {"avx512vbmi", "avx2", "neon", "scalar"});
    return instance;
}

}  // namespace

std::uint32_t detected_features() noexcept {
    static const std::uint32_t features = detect();  // thread-safe static init
    return features;
}

const std::vector<const Kernel*>& compiled_kernels() noexcept {
    static const std::vector<const Kernel*> kernels = {
#if defined(FRAME64_KERNEL_AVX512VBMI)
        &kAvx512VbmiKernel,
#endif
#if defined(FRAME64_KERNEL_AVX2)
        &kAvx2Kernel,
#endif
#if defined(FRAME64_KERNEL_NEON)
        &kNeonKernel,
#endif
        &kScalarKernel,
    };
    return kernels;
}

bool kernel_supported(const Kernel& kernel) noexcept {
    return image::KernelChoice<Kernel>::supported(kernel, detected_features());
}

const Kernel& active_kernel() noexcept { return choice().active(compiled_kernels(), detected_features()); }

std::string set_active_kernel(const std::string& name) {
    return choice().set(name, compiled_kernels(), detected_features());
}

}  // namespace frame64::base64
