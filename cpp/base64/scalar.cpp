// Portable base64 kernel: the reference every SIMD kernel is tested against.
// RFC 4648 section 4: each 3-byte group becomes four 6-bit indices.
#include "base64/kernel_common.hpp"

namespace frame64::base64 {
namespace {

void scalar_encode(const std::uint8_t* src, std::size_t n, char* dst, Alphabet alphabet) {
    encode_scalar(src, n, dst, EncodeTable(alphabet));
}

std::size_t scalar_decode_prefix(const char* src, std::size_t n, std::uint8_t* dst) {
    return decode_quads_scalar(src, n, dst);
}

}  // namespace

const Kernel kScalarKernel{"scalar", 0, scalar_encode, scalar_decode_prefix};

}  // namespace frame64::base64
