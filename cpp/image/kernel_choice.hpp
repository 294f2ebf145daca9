// The run-time choice of one family of SIMD kernels (base64, PNG, resize, YUV split), after
// simdutf's design: a best-first list of the compiled kernels, each with the
// CPU feature bits it needs; the best supported one chosen on first use
// behind an atomic pointer (thread-safe, lock-free); a forced name that this
// CPU or build cannot run is an error message, never a switch.
//
// `Kernel` has `const char* name` and `std::uint32_t required_features`.
// Header-only and free of -m flags: it is compiled into dispatch.cpp files.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace frame64::image {

template <class Kernel>
class KernelChoice {
public:
    using List = std::vector<const Kernel*>;

    // `family` names the kernels in messages ("base64", "PNG"); `known` is
    // every kernel name any build can have, for the messages.
    KernelChoice(const char* family, std::vector<const char*> known) : family_(family), known_(std::move(known)) {}

    static bool supported(const Kernel& kernel, std::uint32_t features) noexcept {
        return (kernel.required_features & features) == kernel.required_features;
    }

    // The names of `compiled`, best first; only those this CPU runs when `supported_only`.
    static std::vector<std::string> names(const List& compiled, std::uint32_t features, bool supported_only) {
        std::vector<std::string> result;
        for (const Kernel* kernel : compiled)
            if (!supported_only || supported(*kernel, features)) result.emplace_back(kernel->name);
        return result;
    }

    // The active kernel of `compiled` (whose last entry runs everywhere).
    const Kernel& active(const List& compiled, std::uint32_t features) noexcept {
        const Kernel* kernel = active_.load(std::memory_order_acquire);
        if (kernel != nullptr) return *kernel;
        const Kernel* expected = nullptr;
        const Kernel* best = &best_supported(compiled, features);
        // Several threads may race here; they all compute the same answer.
        if (active_.compare_exchange_strong(expected, best, std::memory_order_acq_rel)) return *best;
        return *expected;
    }

    // Forces a kernel by name ("auto": the best again). Returns "" on
    // success, else why it cannot (and then nothing changes).
    std::string set(const std::string& name, const List& compiled, std::uint32_t features) {
        if (name == "auto") {
            active_.store(&best_supported(compiled, features), std::memory_order_release);
            return {};
        }
        for (const Kernel* kernel : compiled) {
            if (name != kernel->name) continue;
            if (!supported(*kernel, features))
                return "the '" + name + "' " + family_ + " kernel is compiled in but this CPU (or its OS) cannot run it";
            active_.store(kernel, std::memory_order_release);
            return {};
        }
        for (const char* known : known_)
            if (name == known) return "the '" + name + "' " + family_ + " kernel is not compiled into this build";
        std::string message = "unknown " + family_ + " kernel '" + name + "'; expected one of: auto";
        for (const char* known : known_) message += std::string(", ") + known;
        return message;
    }

private:
    static const Kernel& best_supported(const List& compiled, std::uint32_t features) noexcept {
        for (const Kernel* kernel : compiled)
            if (supported(*kernel, features)) return *kernel;
        return *compiled.back();
    }

    const std::string family_;
    const std::vector<const char*> known_;
    std::atomic<const Kernel*> active_{nullptr};
};

}  // namespace frame64::image
