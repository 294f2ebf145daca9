// Encode through the active kernel, and decode exactly like CPython's
// binascii.a2b_base64: the kernel decodes the clean bulk, and a scalar state
// machine that mirrors CPython's documented behaviour handles everything else
// (padding, whitespace, garbage and the error cases with their messages).
#include <cstdio>

#include "base64/base64.hpp"
#include "base64/tables.hpp"

namespace frame64::base64 {

void encode(const std::uint8_t* src, std::size_t n, char* dst, Alphabet alphabet) noexcept {
    active_kernel().encode(src, n, dst, alphabet);
}

namespace {
// Non-strict decoding re-enters the SIMD kernel after a skipped byte (a MIME
// line break) only when enough input is left to make the call worth it.
constexpr std::size_t kReenterMin = 32;

DecodeResult failure(const char* message, std::size_t count = 0) { return {false, 0, message, count}; }
}  // namespace

DecodeResult decode(const char* src, std::size_t n, std::uint8_t* dst, bool strict, PadRules rules) noexcept {
    const auto* in = reinterpret_cast<const unsigned char*>(src);
    if (strict && n > 0 && in[0] == '=') return failure("Leading padding not allowed");
    const bool skip_inner = rules == PadRules::kSkipInner;

    const Kernel& kernel = active_kernel();
    std::size_t i = kernel.decode_prefix(src, n, dst);
    std::uint8_t* out = dst + i / 4 * 3;

    int quad_pos = 0;
    int pads = 0;
    bool padding_started = false;
    bool resync = false;
    std::uint32_t left = 0;
    // The kernel takes the clean run after byte i (a quad boundary only).
    const auto reenter = [&] {
        if (n - i <= kReenterMin) return;
        const std::size_t used = kernel.decode_prefix(src + i + 1, n - i - 1, out);
        out += used / 4 * 3;
        i += used;
    };
    for (; i < n; ++i) {
        const unsigned char ch = in[i];
        if (ch == '=') {
            if (skip_inner) {
                // A pad that fits the open quad ("xx==", "xxx=") is taken;
                // any other one is skipped, or named in strict mode.
                if (quad_pos >= 2 && quad_pos + ++pads <= 4) continue;
                if (!strict) continue;
                if (quad_pos == 1) break;  // reported below as 1 more than a multiple of 4
                return failure("Excess padding not allowed");
            }
            if (rules == PadRules::kStopExcessCheck && strict && quad_pos == 0)
                return failure("Excess padding not allowed");
            padding_started = true;
            if (quad_pos >= 2 && quad_pos + ++pads >= 4) {
                if (strict && i + 1 < n) return failure("Excess data after padding");
                return {true, static_cast<std::size_t>(out - dst), nullptr, 0};
            }
            continue;
        }
        const std::uint32_t v = tables::kDecode[ch];
        if (v == tables::kInvalid) {
            if (strict) return failure("Only base64 data is allowed");
            // Non-strict mode discards these bytes and nothing else changes,
            // so a whole run of them ("\r\n") is skipped at once; '=' is not
            // discarded (it counts as padding) and stops the run.
            while (i + 1 < n && in[i + 1] != '=' && tables::kDecode[in[i + 1]] == tables::kInvalid) ++i;
            if (quad_pos == 0) {
                reenter();
            } else {
                resync = true;  // back to the kernel once this quad is complete
            }
            continue;
        }
        if (skip_inner) {
            if (strict && pads > 0)
                return failure(quad_pos + pads == 4 ? "Excess data after padding" : "Discontinuous padding not allowed");
        } else if (strict && padding_started) {
            return failure("Discontinuous padding not allowed");
        }
        pads = 0;
        switch (quad_pos) {
            case 0:
                quad_pos = 1;
                left = v;
                break;
            case 1:
                quad_pos = 2;
                *out++ = static_cast<std::uint8_t>((left << 2) | (v >> 4));
                left = v & 0x0F;
                break;
            case 2:
                quad_pos = 3;
                *out++ = static_cast<std::uint8_t>((left << 4) | (v >> 2));
                left = v & 0x03;
                break;
            default:
                quad_pos = 0;
                *out++ = static_cast<std::uint8_t>((left << 6) | v);
                left = 0;
                // A quad that had a discarded byte inside it (a line break
                // that is not at a quad boundary) is complete: the data may
                // be clean again, so give the kernel the rest.
                if (resync) {
                    resync = false;
                    reenter();
                }
                break;
        }
    }
    if (quad_pos == 1) {
        const std::size_t written = static_cast<std::size_t>(out - dst);
        return failure(nullptr, written / 3 * 4 + 1);
    }
    // Under kSkipInner a quad closed by its pads stays at quad_pos 2 or 3.
    if (quad_pos != 0 && !(skip_inner && quad_pos + pads >= 4)) return failure("Incorrect padding");
    return {true, static_cast<std::size_t>(out - dst), nullptr, 0};
}

namespace {
constexpr bool is_ascii_space(unsigned char ch) noexcept {
    return ch == ' ' || (ch >= '\t' && ch <= '\r');  // \t \n \v \f \r
}
}  // namespace

TextDecodeResult decode_text(const char* src, std::size_t n, std::uint8_t* dst) noexcept {
    const auto* in = reinterpret_cast<const unsigned char*>(src);
    const Kernel& kernel = active_kernel();
    std::size_t i = kernel.decode_prefix(src, n, dst);
    std::uint8_t* out = dst + i / 4 * 3;
    const auto fail = [](TextError error, std::size_t position) { return TextDecodeResult{error, 0, position, 0}; };

    // The 6-bit values of the group being read; a group is written out when
    // its fourth char arrives, or when '=' padding completes it.
    std::uint32_t group[4] = {0, 0, 0, 0};
    int count = 0;
    int pads = 0;
    for (; i < n; ++i) {
        const unsigned char ch = in[i];
        if (is_ascii_space(ch)) {
            // A line break between whole groups: let the kernel take the next line.
            if (count == 0 && pads == 0 && n - i > kReenterMin) {
                const std::size_t used = kernel.decode_prefix(src + i + 1, n - i - 1, out);
                out += used / 4 * 3;
                i += used;
            }
            continue;
        }
        if (pads > 0 && count + pads == 4) return fail(TextError::kDataAfterPadding, i);
        if (ch == '=') {
            if (count < 2) return fail(TextError::kMisplacedPadding, i);
            ++pads;
            continue;
        }
        const std::uint32_t value = tables::kDecode[ch];
        if (value == tables::kInvalid) return fail(TextError::kInvalidChar, i);
        if (pads > 0) return fail(TextError::kDataAfterPadding, i);
        group[count++] = value;
        if (count == 4) {
            const std::uint32_t bits = (group[0] << 18) | (group[1] << 12) | (group[2] << 6) | group[3];
            *out++ = static_cast<std::uint8_t>(bits >> 16);
            *out++ = static_cast<std::uint8_t>(bits >> 8);
            *out++ = static_cast<std::uint8_t>(bits);
            count = 0;
        }
    }
    if (count + pads != 4 && (count != 0 || pads != 0))
        return TextDecodeResult{TextError::kIncompleteGroup, 0, n, count + pads};
    if (pads > 0) {  // "xx==" carries one byte, "xxx=" two
        const std::uint32_t bits = (group[0] << 18) | (group[1] << 12) | (group[2] << 6);
        *out++ = static_cast<std::uint8_t>(bits >> 16);
        if (count == 3) *out++ = static_cast<std::uint8_t>(bits >> 8);
    }
    return TextDecodeResult{TextError::kNone, static_cast<std::size_t>(out - dst), 0, 0};
}

std::string error_message(const DecodeResult& result) {
    if (result.message != nullptr) return result.message;
    char buffer[160];
    std::snprintf(buffer, sizeof buffer,
                  "Invalid base64-encoded string: number of data characters (%zu) cannot be 1 more than a "
                  "multiple of 4",
                  result.count);
    return buffer;
}

}  // namespace frame64::base64
