// Checks every compiled, supported base64 kernel against the scalar one and
// against the Kernel contract in base64.hpp, byte by byte:
//   encode writes exactly encoded_length(n) chars (guard bytes around the
//   output stay untouched) and equals the scalar kernel for any alphabet;
//   decode_prefix consumes a multiple of 4, never more than the scalar
//   kernel, writes only consumed/4*3 bytes that equal the scalar output;
//   the full decoder gives the same result whichever kernel is active.
// Inputs sit in exactly-sized heap blocks at every misalignment, so an
// AddressSanitizer build also catches reads past them.
//
// Built and run by scripts/check-base64-kernels.sh (natively, and for
// AArch64 under qemu-user when a cross compiler is installed).
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base64/base64.hpp"

namespace b64 = frame64::base64;

namespace {

int g_failures = 0;

void fail(const std::string& what) {
    if (++g_failures <= 20) std::fprintf(stderr, "FAIL: %s\n", what.c_str());
}

constexpr unsigned char kGuard = 0xA5;
constexpr std::size_t kGuardSize = 64;

// A heap block holding exactly `size` bytes at `offset` from a fresh allocation.
struct Block {
    std::unique_ptr<unsigned char[]> storage;
    unsigned char* data;
    Block(std::size_t size, std::size_t offset)
        : storage(new unsigned char[size + offset + 1]), data(storage.get() + offset) {}
};

void check_encode(const b64::Kernel& kernel, std::mt19937& random) {
    const b64::Alphabet alphabets[] = {b64::kStandard, b64::kUrlSafe, {'\0', '\xff'}};
    for (std::size_t n = 0; n <= 300; ++n) {
        for (std::size_t offset = 0; offset < 16; ++offset) {
            Block src(n, offset);
            for (std::size_t i = 0; i < n; ++i) src.data[i] = static_cast<unsigned char>(random());
            for (const b64::Alphabet& alphabet : alphabets) {
                const std::size_t length = b64::encoded_length(n);
                std::vector<char> expected(length + 1), out(length + 2 * kGuardSize, static_cast<char>(kGuard));
                b64::kScalarKernel.encode(src.data, n, expected.data(), alphabet);
                kernel.encode(src.data, n, out.data() + kGuardSize, alphabet);
                if (std::memcmp(expected.data(), out.data() + kGuardSize, length) != 0)
                    fail(std::string(kernel.name) + " encode differs at n=" + std::to_string(n));
                for (std::size_t g = 0; g < kGuardSize; ++g)
                    if (static_cast<unsigned char>(out[g]) != kGuard ||
                        static_cast<unsigned char>(out[kGuardSize + length + g]) != kGuard)
                        fail(std::string(kernel.name) + " encode wrote outside at n=" + std::to_string(n));
            }
        }
    }
}

// Outputs of 8 MiB and more may take a streaming path that first aligns
// the output: try every output misalignment.
void check_large_encode(const b64::Kernel& kernel, std::mt19937& random) {
    const std::size_t n = (std::size_t{6} << 20) + random() % 3;
    std::vector<std::uint8_t> src(n);
    for (auto& b : src) b = static_cast<std::uint8_t>(random());
    const std::size_t length = b64::encoded_length(n);
    std::vector<char> expected(length);
    b64::kScalarKernel.encode(src.data(), n, expected.data(), b64::kUrlSafe);
    std::vector<char> out(length + 64 + 2 * kGuardSize);
    for (std::size_t offset = 0; offset < 64; ++offset) {
        std::memset(out.data(), kGuard, out.size());
        char* dst = out.data() + kGuardSize + offset;
        kernel.encode(src.data(), n, dst, b64::kUrlSafe);
        if (std::memcmp(expected.data(), dst, length) != 0 ||
            static_cast<unsigned char>(dst[-1]) != kGuard || static_cast<unsigned char>(dst[length]) != kGuard)
            fail(std::string(kernel.name) + " large encode differs, output offset " + std::to_string(offset));
    }
}

// Large inputs may take a streaming path that first aligns the output:
// try every output misalignment, clean and with one bad char.
void check_large_decode(const b64::Kernel& kernel, std::mt19937& random) {
    const std::size_t n_bytes = (std::size_t{5} << 20) + random() % 3;
    std::vector<std::uint8_t> bytes(n_bytes);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    std::string text(b64::encoded_length(n_bytes), '\0');
    b64::kScalarKernel.encode(bytes.data(), n_bytes, text.data(), b64::kStandard);
    const std::size_t n = text.size();
    std::vector<std::uint8_t> expected(n / 4 * 3), out(n / 4 * 3 + 64 + kGuardSize);
    for (std::size_t offset = 0; offset < 64; ++offset) {
        std::string input = text;
        if (offset % 4 != 0) input[(offset * 7919 * 7919 + random()) % n] = offset % 2 ? '\n' : '=';
        const std::size_t want = b64::kScalarKernel.decode_prefix(input.data(), n, expected.data());
        std::memset(out.data(), kGuard, out.size());
        const std::size_t used = kernel.decode_prefix(input.data(), n, out.data() + offset);
        const std::size_t written = used / 4 * 3;
        if (used % 4 != 0 || used > want || std::memcmp(expected.data(), out.data() + offset, written) != 0 ||
            out[offset + written] != kGuard || (offset > 0 && out[offset - 1] != kGuard))
            fail(std::string(kernel.name) + " large decode differs, output offset " + std::to_string(offset));
        if (used + 256 < want) fail(std::string(kernel.name) + " large decode stopped early");
    }
}

// Base64 of random bytes, then (sometimes) one char replaced by noise.
std::string random_text(std::mt19937& random, std::size_t n_bytes) {
    std::vector<std::uint8_t> bytes(n_bytes);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    std::string text(b64::encoded_length(n_bytes), '\0');
    b64::kScalarKernel.encode(bytes.data(), n_bytes, text.data(), b64::kStandard);
    static const char kNoise[] = {'=', '\n', ' ', '-', '_', '\0', '\x7f', '\x80', '\xff', '@', '[', '`', '{', ':'};
    if (!text.empty() && random() % 3 != 0) text[random() % text.size()] = kNoise[random() % sizeof kNoise];
    if (random() % 4 == 0) text.resize(random() % (text.size() + 1));
    return text;
}

void check_decode(const b64::Kernel& kernel, std::mt19937& random) {
    for (int round = 0; round < 20000; ++round) {
        const std::string text = random_text(random, random() % 400);
        const std::size_t n = text.size();
        const std::size_t offset = random() % 64;
        Block src(n, offset);
        std::memcpy(src.data, text.data(), n);
        const char* in = reinterpret_cast<const char*>(src.data);

        const std::size_t capacity = n / 4 * 3;
        std::vector<std::uint8_t> expected(capacity + 1), out(capacity + kGuardSize, kGuard);
        const std::size_t scalar_used = b64::kScalarKernel.decode_prefix(in, n, expected.data());
        const std::size_t used = kernel.decode_prefix(in, n, out.data());
        const std::string where = std::string(kernel.name) + " decode_prefix n=" + std::to_string(n);
        if (used % 4 != 0 || used > scalar_used) fail(where + " consumed " + std::to_string(used));
        const std::size_t written = used / 4 * 3;
        if (std::memcmp(expected.data(), out.data(), std::min(written, capacity)) != 0) fail(where + " output differs");
        for (std::size_t i = written; i < out.size(); ++i)
            if (out[i] != kGuard) {
                fail(where + " wrote past its output at " + std::to_string(i));
                break;
            }

        // The whole decoder, with this kernel against the scalar one.
        for (const b64::PadRules rules : {b64::PadRules::kStop, b64::PadRules::kStopExcessCheck, b64::PadRules::kSkipInner})
        for (bool strict : {false, true}) {
            std::vector<std::uint8_t> a(b64::decoded_capacity(n)), b(b64::decoded_capacity(n));
            b64::set_active_kernel("scalar");
            const b64::DecodeResult want = b64::decode(in, n, a.data(), strict, rules);
            b64::set_active_kernel(kernel.name);
            const b64::DecodeResult got = b64::decode(in, n, b.data(), strict, rules);
            const bool same = want.ok == got.ok && want.size == got.size && want.count == got.count &&
                              (want.ok ? std::memcmp(a.data(), b.data(), want.size) == 0
                                       : b64::error_message(want) == b64::error_message(got));
            if (!same) fail(std::string(kernel.name) + " decode differs from scalar, n=" + std::to_string(n));
        }
    }
}

}  // namespace

int main() {
    std::mt19937 random(20261126);
    int tested = 0;
    for (const b64::Kernel* kernel : b64::compiled_kernels()) {
        if (!b64::kernel_supported(*kernel)) {
            std::printf("%-11s compiled, not supported by this CPU: skipped\n", kernel->name);
            continue;
        }
        const int before = g_failures;
        check_encode(*kernel, random);
        check_decode(*kernel, random);
        check_large_encode(*kernel, random);
        check_large_decode(*kernel, random);
        ++tested;
        std::printf("%-11s %s\n", kernel->name, g_failures == before ? "ok" : "FAILED");
    }
    if (g_failures != 0) std::printf("%d failure(s)\n", g_failures);
    return g_failures == 0 && tested > 0 ? 0 : 1;
}
