#include "png/png_structure.hpp"

#include <libdeflate.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "image/formats.hpp"
#include "png/png_encoder.hpp"  // PngError

namespace frame64::png {
namespace {

std::uint32_t read_u32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

[[noreturn]] void fail(const std::string& why) { throw PngError("invalid PNG: " + why); }

// Python's repr() of a bytes object, as the fallback's message shows a bad chunk type.
std::string python_bytes_repr(const std::uint8_t* bytes, std::size_t size) {
    const bool has_single = std::memchr(bytes, '\'', size) != nullptr;
    const bool has_double = std::memchr(bytes, '"', size) != nullptr;
    const char quote = has_single && !has_double ? '"' : '\'';
    std::string text = "b";
    text += quote;
    for (std::size_t i = 0; i < size; ++i) {
        const std::uint8_t c = bytes[i];
        if (c == quote || c == '\\') {
            text += '\\';
            text += static_cast<char>(c);
        } else if (c == '\t') {
            text += "\\t";
        } else if (c == '\n') {
            text += "\\n";
        } else if (c == '\r') {
            text += "\\r";
        } else if (c < 0x20 || c >= 0x7F) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            text += hex;
        } else {
            text += static_cast<char>(c);
        }
    }
    return text + quote;
}

bool is_letter(std::uint8_t c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool valid_depth(int colour, int depth) {
    switch (colour) {
        case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
        case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
        case 2:
        case 4:
        case 6: return depth == 8 || depth == 16;
        default: return false;
    }
}

bool is_type(const std::uint8_t* kind, const char* name) { return std::memcmp(kind, name, 4) == 0; }

// The critical chunks of the specification (11.2); any other critical chunk
// cannot be safely skipped (5.4).
bool known_critical(const std::uint8_t* kind) {
    return is_type(kind, "IHDR") || is_type(kind, "PLTE") || is_type(kind, "IDAT") || is_type(kind, "IEND");
}

struct Header {
    int depth = 0;
    int colour = 0;
};

// PngFile's checks of IHDR's 13 bytes.
Header check_ihdr(const std::uint8_t* payload, std::uint32_t length) {
    if (length != 13) fail("IHDR must be 13 bytes");
    const std::uint32_t width = read_u32(payload);
    const std::uint32_t height = read_u32(payload + 4);
    if (width < 1 || width > image::kMaxPngSide || height < 1 || height > image::kMaxPngSide)
        fail("width and height must be in 1..2^31-1");
    const Header header{payload[8], payload[9]};
    if (!valid_depth(header.colour, header.depth))
        fail("bit depth " + std::to_string(header.depth) + " with colour type " + std::to_string(header.colour));
    if (payload[10] != 0 || payload[11] != 0 || payload[12] > 1)
        fail("unknown compression, filter or interlace method");
    return header;
}

// The state of PngFile's loop over the chunks after IHDR.
struct ChunkRules {
    Header header;
    std::uint32_t palette_entries = 0;  // 0: no PLTE yet
    bool has_trns = false;
    bool has_idat = false;
    bool previous_was_idat = false;

    void check(const std::uint8_t* kind, std::uint32_t length) {
        if (is_type(kind, "IHDR")) fail("a second IHDR");
        if (is_type(kind, "PLTE")) {
            if (palette_entries != 0 || has_idat || length % 3 != 0 || length < 3 || length > 768)
                fail("bad PLTE chunk");
            if (header.colour == 0 || header.colour == 4) fail("PLTE in a gray image");
            if (header.colour == 3 && length / 3 > (std::uint32_t{1} << header.depth))
                fail("more palette entries than the bit depth allows");
            palette_entries = length / 3;
        } else if (is_type(kind, "tRNS")) {
            if (header.colour == 4 || header.colour == 6) fail("tRNS in an image with an alpha channel");
            const std::uint32_t expected = header.colour == 0 ? 2 : header.colour == 2 ? 6 : length;
            if (has_trns || has_idat || length != expected) fail("bad tRNS chunk");
            if (header.colour == 3 && (palette_entries == 0 || length > palette_entries))
                fail("tRNS longer than the palette");
            has_trns = true;
        } else if (is_type(kind, "IDAT")) {
            if (has_idat && !previous_was_idat) fail("IDAT chunks are not consecutive");
            has_idat = true;
        } else if (kind[0] < 'a' && !known_critical(kind)) {
            fail("unknown critical chunk " + std::string(reinterpret_cast<const char*>(kind), 4));
        }
        previous_was_idat = is_type(kind, "IDAT");
    }
};

// One step of PngChunks' walk: the chunk at `pos`, checked, and whether it
// is kept (a damaged ancillary chunk is dropped unless strict).
struct Chunk {
    const std::uint8_t* kind;
    std::uint32_t length;
    bool kept;
};

Chunk read_chunk(const std::uint8_t* data, std::size_t size, std::size_t& pos, bool strict) {
    if (size - pos < 8) fail("truncated before IEND");
    const std::uint32_t length = read_u32(data + pos);
    const std::uint8_t* kind = data + pos + 4;
    if (length > image::kMaxPngChunkLength) fail("chunk length over 2^31-1");
    if (!is_letter(kind[0]) || !is_letter(kind[1]) || !is_letter(kind[2]) || !is_letter(kind[3]))
        fail("bad chunk type " + python_bytes_repr(kind, 4));
    if (size - pos - 8 < std::size_t{length} + 4)
        fail("chunk " + std::string(reinterpret_cast<const char*>(kind), 4) + " is truncated");
    if (pos == sizeof image::kPngSignature && !is_type(kind, "IHDR"))  // spec 5.6: IHDR comes first
        fail("the first chunk is not IHDR");
    const std::uint32_t crc = read_u32(kind + 4 + length);
    pos += 12 + std::size_t{length};
    if (static_cast<std::uint32_t>(libdeflate_crc32(0, kind, 4 + std::size_t{length})) == crc)
        return {kind, length, true};
    if (kind[0] < 'a' || strict) fail("CRC mismatch in chunk " + std::string(reinterpret_cast<const char*>(kind), 4));
    return {kind, length, false};
}

}  // namespace

void check_structure(const std::uint8_t* data, std::size_t size, bool strict) {
    if (size < sizeof image::kPngSignature || std::memcmp(data, image::kPngSignature, sizeof image::kPngSignature) != 0)
        fail("the signature is missing");
    // First the whole chunk walk to IEND (PngChunks), then the rules over the
    // kept chunks (PngFile): the fallback's order, so the same file fails at
    // the same rule. The walk is repeated rather than its chunks stored.
    std::size_t pos = sizeof image::kPngSignature;
    for (;;) {
        const Chunk chunk = read_chunk(data, size, pos, strict);
        if (chunk.kept && is_type(chunk.kind, "IEND")) break;
    }
    pos = sizeof image::kPngSignature;
    Chunk chunk = read_chunk(data, size, pos, strict);  // IHDR, kept: the walk above got past it
    ChunkRules rules;
    rules.header = check_ihdr(chunk.kind + 4, chunk.length);
    do {
        chunk = read_chunk(data, size, pos, strict);
        if (chunk.kept) rules.check(chunk.kind, chunk.length);
    } while (!(chunk.kept && is_type(chunk.kind, "IEND")));
    if (rules.header.colour == 3 && rules.palette_entries == 0) fail("palette image without PLTE");
    if (!rules.has_idat) fail("no IDAT chunk");
}

}  // namespace frame64::png
