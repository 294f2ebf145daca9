// What an encoded image is, told from its first bytes, and the error every
// decoder raises for bad input. Shared by the JPEG and PNG decoders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace frame64::image {

// Bad or unsupported image data (the binding raises frame64.DecodeError).
class DecodeError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Bad JPEG data: frame64.JpegDecodeError (a DecodeError).
class JpegDecodeError : public DecodeError {
    using DecodeError::DecodeError;
};

// Bad PNG data: frame64.PngDecodeError (a DecodeError).
class PngDecodeError : public DecodeError {
    using DecodeError::DecodeError;
};

enum class Format { kUnknown, kJpeg, kPng };

// JPEG: an SOI marker followed by another marker (ITU T.81, B.1.1.2: FF D8 FF).
// PNG: the 8-byte signature (PNG spec, section 5.2). Never trusts a name or a
// MIME type, only these bytes.
Format sniff(const std::uint8_t* data, std::size_t size) noexcept;

// "not a JPEG or PNG image: the decoded data starts with 3c 68 74 6d ..."
std::string describe_unknown(const std::uint8_t* data, std::size_t size);

}  // namespace frame64::image
