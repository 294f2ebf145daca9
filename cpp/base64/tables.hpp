// Lookup tables shared by the kernels. Data only (no functions), so it is
// safe to include from translation units compiled with different -m flags.
#pragma once

#include <array>
#include <cstdint>

namespace frame64::base64::tables {

inline constexpr char kStandardChars[65] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

inline constexpr std::uint8_t kInvalid = 0xFF;

// Standard-alphabet char -> 6-bit value, kInvalid for anything else ('=' too).
inline constexpr std::array<std::uint8_t, 256> kDecode = [] {
    std::array<std::uint8_t, 256> table{};
    for (auto& v : table) v = kInvalid;
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kStandardChars[i])] = static_cast<std::uint8_t>(i);
    return table;
}();

}  // namespace frame64::base64::tables
