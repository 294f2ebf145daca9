#include "png/fast_deflate.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "png/kernel_common.hpp"  // sink_put
#include "png/kernels.hpp"

namespace frame64::png {
namespace {

// Input bytes per Huffman block: small enough for the code to follow the
// statistics of each band of the frame, large enough that the ~100-byte
// block header is negligible.
constexpr std::size_t kBlockBytes = std::size_t{1} << 17;
constexpr std::size_t kStoredMax = 65535;  // LEN is 16 bits (RFC 1951 3.2.4)
constexpr int kMinRun = 3;                 // shortest deflate match
constexpr int kMaxRun = 258;               // longest deflate match
constexpr int kLitLenSymbols = 286;
constexpr int kEndOfBlock = 256;
constexpr int kCodeLengthSymbols = 19;

// Length codes 257..285: base length and extra bits (RFC 1951 3.2.5).
constexpr std::array<std::uint16_t, 29> kLengthBase = {3,  4,  5,  6,  7,  8,  9,  10,  11,  13,  15,  17,  19,  23, 27,
                                                       31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<std::uint8_t, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
// Order of the code-length code lengths in the block header (RFC 1951 3.2.7).
constexpr std::array<std::uint8_t, kCodeLengthSymbols> kCodeLengthOrder = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                                           11, 4,  12, 3, 13, 2, 14, 1, 15};

struct LengthCode {
    std::uint16_t symbol;  // 257..285
    std::uint8_t extra_bits;
    std::uint16_t extra_value;
};

struct LengthTable {
    std::array<LengthCode, kMaxRun + 1> by_length{};
    LengthTable() {
        for (int length = kMinRun; length <= kMaxRun; ++length) {
            int index = 28;
            if (length < kMaxRun)
                while (kLengthBase[index] > length) --index;
            by_length[length] = {static_cast<std::uint16_t>(257 + index), kLengthExtra[index],
                                 static_cast<std::uint16_t>(length - kLengthBase[index])};
        }
    }
};
const LengthTable kLengths;

// LSB-first bit packing (RFC 1951 3.1.1) over the kernels' BitSink: at
// most 7 bits stay pending; every put stores 8 bytes, so `out` needs 8 bytes
// of slack (included in every bound below).
class BitWriter {
public:
    explicit BitWriter(std::uint8_t* out) : sink_{out, 0, 0} {}

    void put(std::uint32_t bits, unsigned count) { sink_put(sink_, bits, count); }  // count <= 32
    // Pads with zero bits to a byte boundary.
    void align() {
        if (sink_.filled > 0) {
            *sink_.out++ = static_cast<std::uint8_t>(sink_.buffer);
            sink_.buffer = 0;
            sink_.filled = 0;
        }
    }
    bool aligned() const noexcept { return sink_.filled == 0; }
    std::uint8_t* byte_position() const noexcept { return sink_.out; }  // valid after align()
    void skip_bytes(std::size_t n) noexcept { sink_.out += n; }
    BitSink& sink() noexcept { return sink_; }

private:
    BitSink sink_;
};

void put_stored_blocks(BitWriter& bits, const std::uint8_t* data, std::size_t n, bool final) {
    do {
        const std::size_t length = std::min(n, kStoredMax);
        const bool last = final && length == n;
        bits.put(last ? 1u : 0u, 3);  // BFINAL, BTYPE=00
        bits.align();
        std::uint8_t* out = bits.byte_position();
        out[0] = static_cast<std::uint8_t>(length);
        out[1] = static_cast<std::uint8_t>(length >> 8);
        out[2] = static_cast<std::uint8_t>(~length);
        out[3] = static_cast<std::uint8_t>(~length >> 8);
        if (length > 0) std::memcpy(out + 4, data, length);
        bits.skip_bytes(4 + length);
        data += length;
        n -= length;
    } while (n > 0);
}

// Code lengths of a Huffman code for `freq`, none longer than `limit`.
// Optimal codes come from Huffman's two-queue construction (van Leeuwen
// 1976); when one is too deep, the frequencies are halved (rounding up, so
// no used symbol vanishes) until it fits, which flattens the tree.
void huffman_lengths(const std::uint32_t* freq, int n, int limit, std::uint8_t* lengths) {
    std::vector<int> symbols;
    for (int s = 0; s < n; ++s) {
        lengths[s] = 0;
        if (freq[s] != 0) symbols.push_back(s);
    }
    if (symbols.empty()) return;
    if (symbols.size() == 1) {
        // A one-symbol code still needs a complete tree: pair it with a dummy.
        lengths[symbols[0]] = 1;
        lengths[symbols[0] == 0 ? 1 : 0] = 1;
        return;
    }
    std::vector<std::uint64_t> weight(symbols.size());
    for (std::size_t i = 0; i < symbols.size(); ++i) weight[i] = freq[symbols[i]];
    const std::size_t leaves = symbols.size();
    std::vector<std::uint64_t> node_weight(2 * leaves - 1);
    std::vector<std::size_t> parent(2 * leaves - 1);
    std::vector<std::size_t> order(leaves);
    std::vector<int> depth(2 * leaves - 1);
    for (;;) {
        for (std::size_t i = 0; i < leaves; ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return weight[a] < weight[b]; });
        for (std::size_t i = 0; i < leaves; ++i) node_weight[i] = weight[order[i]];
        // Leaves are 0..leaves-1 by weight; internal nodes are created in
        // non-decreasing weight, so two queues replace a heap.
        std::size_t next_leaf = 0, next_internal = leaves, created = leaves;
        auto take = [&]() {
            if (next_leaf < leaves && (next_internal >= created || node_weight[next_leaf] <= node_weight[next_internal]))
                return next_leaf++;
            return next_internal++;
        };
        while (created < 2 * leaves - 1) {
            const std::size_t a = take();
            const std::size_t b = take();
            node_weight[created] = node_weight[a] + node_weight[b];
            parent[a] = parent[b] = created;
            ++created;
        }
        const std::size_t root = created - 1;
        depth[root] = 0;
        int deepest = 0;
        for (std::size_t node = root; node-- > 0;) {
            depth[node] = depth[parent[node]] + 1;
            deepest = std::max(deepest, depth[node]);
        }
        if (deepest <= limit) {
            for (std::size_t i = 0; i < leaves; ++i) lengths[symbols[order[i]]] = static_cast<std::uint8_t>(depth[i]);
            return;
        }
        for (auto& w : weight) w = (w + 1) / 2;
    }
}

// Canonical codes (RFC 1951 3.2.2), bit-reversed for the LSB-first stream.
void canonical_codes(const std::uint8_t* lengths, int n, std::uint16_t* codes) {
    std::array<int, 16> count{};
    for (int s = 0; s < n; ++s) ++count[lengths[s]];
    count[0] = 0;
    std::array<int, 16> next{};
    int code = 0;
    for (int bits = 1; bits < 16; ++bits) {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    for (int s = 0; s < n; ++s) {
        const int length = lengths[s];
        if (length == 0) {
            codes[s] = 0;
            continue;
        }
        int value = next[length]++;
        int reversed = 0;
        for (int i = 0; i < length; ++i) {
            reversed = (reversed << 1) | (value & 1);
            value >>= 1;
        }
        codes[s] = static_cast<std::uint16_t>(reversed);
    }
}

struct Run {
    std::size_t position;
    int length;  // kMinRun..kMaxRun, a match at distance 1
};

// Literal counts in four tables in turn, so that repeats of one byte value
// do not wait on each other's increments.
void count_literals(const std::uint8_t* data, std::size_t n, std::uint32_t (&freq)[4][256]) {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        ++freq[0][data[i]];
        ++freq[1][data[i + 1]];
        ++freq[2][data[i + 2]];
        ++freq[3][data[i + 3]];
    }
    for (; i < n; ++i) ++freq[0][data[i]];
}

// Splits data[begin, end) greedily into literals and runs of the byte before
// them (at least kMinRun long, at most kMaxRun), counting the literals and
// listing the runs. No run starts at data[0], the start of the band: bands
// are encoded independently, so nothing before it may be referenced; a run
// at `begin` > 0 may reach back into the previous block (deflate's window
// spans blocks).
void tokenize(const PngKernel& kernel, const std::uint8_t* data, std::size_t begin, std::size_t end,
              std::uint32_t (&literal_freq)[4][256], std::vector<Run>& runs) {
    std::size_t i = begin;
    while (i < end) {
        const std::size_t k = kernel.find_run(data, i == 0 ? 1 : i, end);
        count_literals(data + i, k - i, literal_freq);
        if (k == end) break;
        const std::uint8_t value = data[k - 1];
        const std::size_t limit = std::min(end, k + kMaxRun);
        std::size_t j = k + kMinRun;  // find_run checked the first three
        while (j < limit && data[j] == value) ++j;
        runs.push_back({k, static_cast<int>(j - k)});
        i = j;
    }
}

struct CodeLengthToken {
    std::uint8_t symbol;  // 0..18
    std::uint8_t extra;   // value of its extra bits
};

// Run-length codes the concatenated literal/length and distance code lengths
// with symbols 16 (repeat previous 3-6), 17 (3-10 zeros), 18 (11-138 zeros).
std::vector<CodeLengthToken> code_length_tokens(const std::uint8_t* lengths, int n) {
    std::vector<CodeLengthToken> tokens;
    int i = 0;
    while (i < n) {
        const std::uint8_t value = lengths[i];
        int run = 1;
        while (i + run < n && lengths[i + run] == value) ++run;
        if (value == 0 && run >= 3) {
            const int take = std::min(run, 138);
            if (take >= 11)
                tokens.push_back({18, static_cast<std::uint8_t>(take - 11)});
            else
                tokens.push_back({17, static_cast<std::uint8_t>(take - 3)});
            i += take;
        } else if (value != 0 && run >= 4) {
            tokens.push_back({value, 0});
            const int take = std::min(run - 1, 6);
            tokens.push_back({16, static_cast<std::uint8_t>(take - 3)});
            i += 1 + take;
        } else {
            tokens.push_back({value, 0});
            ++i;
        }
    }
    return tokens;
}

constexpr std::uint8_t code_length_extra_bits(int symbol) { return symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0; }

// Encodes data[begin, end) as one dynamic block, or as stored blocks when
// that is not smaller (so the output stays within the bounds below).
void put_block(const PngKernel& kernel, BitWriter& bits, const std::uint8_t* data, std::size_t begin, std::size_t end,
               bool final, std::vector<Run>& runs) {
    std::array<std::uint32_t, kLitLenSymbols> freq{};
    std::uint32_t literal_freq[4][256] = {};
    runs.clear();
    tokenize(kernel, data, begin, end, literal_freq, runs);
    std::uint64_t extra_bits = 0;
    for (const Run& run : runs) {
        const LengthCode& code = kLengths.by_length[run.length];
        ++freq[code.symbol];
        extra_bits += code.extra_bits;
    }
    const std::uint64_t run_count = runs.size();
    for (int s = 0; s < 256; ++s) freq[s] = literal_freq[0][s] + literal_freq[1][s] + literal_freq[2][s] + literal_freq[3][s];
    freq[kEndOfBlock] = 1;

    std::array<std::uint8_t, kLitLenSymbols> lengths{};
    huffman_lengths(freq.data(), kLitLenSymbols, kMaxLiteralCodeBits, lengths.data());
    int literal_count = kLitLenSymbols;
    while (literal_count > 257 && lengths[literal_count - 1] == 0) --literal_count;
    // The header lists the literal/length code lengths, then the distance
    // code lengths: codes 0 (distance 1, the only one used) and 1, one bit
    // each, a complete code that every inflater accepts.
    constexpr int kDistanceCount = 2;
    std::array<std::uint8_t, kLitLenSymbols + kDistanceCount> header_lengths{};
    std::copy(lengths.begin(), lengths.begin() + literal_count, header_lengths.begin());
    header_lengths[literal_count] = 1;
    header_lengths[literal_count + 1] = 1;

    const std::vector<CodeLengthToken> tokens =
        code_length_tokens(header_lengths.data(), literal_count + kDistanceCount);
    std::array<std::uint32_t, kCodeLengthSymbols> clen_freq{};
    for (const CodeLengthToken& t : tokens) ++clen_freq[t.symbol];
    std::array<std::uint8_t, kCodeLengthSymbols> clen_lengths{};
    huffman_lengths(clen_freq.data(), kCodeLengthSymbols, 7, clen_lengths.data());
    int clen_count = kCodeLengthSymbols;
    while (clen_count > 4 && clen_lengths[kCodeLengthOrder[clen_count - 1]] == 0) --clen_count;

    std::uint64_t dynamic_bits = 3 + 5 + 5 + 4 + 3 * static_cast<std::uint64_t>(clen_count) + extra_bits + run_count;
    for (const CodeLengthToken& t : tokens) dynamic_bits += clen_lengths[t.symbol] + code_length_extra_bits(t.symbol);
    for (int s = 0; s < kLitLenSymbols; ++s) dynamic_bits += static_cast<std::uint64_t>(freq[s]) * lengths[s];
    const std::size_t n = end - begin;
    const std::uint64_t stored_bits = 8 * (static_cast<std::uint64_t>(n) + 5 * (n / kStoredMax + 1));
    if (dynamic_bits >= stored_bits) {
        put_stored_blocks(bits, data + begin, n, final);
        return;
    }

    std::array<std::uint16_t, kLitLenSymbols> codes{};
    canonical_codes(lengths.data(), kLitLenSymbols, codes.data());
    std::array<std::uint16_t, kCodeLengthSymbols> clen_codes{};
    canonical_codes(clen_lengths.data(), kCodeLengthSymbols, clen_codes.data());

    bits.put(final ? 1u : 0u, 1);
    bits.put(2, 2);  // BTYPE=10: dynamic Huffman codes
    bits.put(static_cast<std::uint32_t>(literal_count - 257), 5);
    bits.put(kDistanceCount - 1, 5);
    bits.put(static_cast<std::uint32_t>(clen_count - 4), 4);
    for (int i = 0; i < clen_count; ++i) bits.put(clen_lengths[kCodeLengthOrder[i]], 3);
    for (const CodeLengthToken& t : tokens) {
        bits.put(clen_codes[t.symbol], clen_lengths[t.symbol]);
        if (const std::uint8_t extra = code_length_extra_bits(t.symbol)) bits.put(t.extra, extra);
    }
    LiteralCodes literal_codes;
    for (int s = 0; s < 256; ++s) {
        literal_codes.packed[s] = codes[s] | static_cast<std::uint32_t>(lengths[s]) << 16;
        literal_codes.low[s] = static_cast<std::uint8_t>(codes[s]);
        literal_codes.high[s] = static_cast<std::uint8_t>(codes[s] >> 8);
        literal_codes.length[s] = lengths[s];
    }
    // Literal stretches go to the kernel; a run is its length code, its
    // extra bits and distance code 0 (the one-bit code 0), in one put.
    BitSink& sink = bits.sink();
    std::size_t position = begin;
    for (const Run& run : runs) {
        kernel.pack_literals(data + position, run.position - position, literal_codes, sink);
        const LengthCode& code = kLengths.by_length[run.length];
        const unsigned code_bits = lengths[code.symbol];
        const std::uint32_t value = codes[code.symbol] | (static_cast<std::uint32_t>(code.extra_value) << code_bits);
        bits.put(value, code_bits + code.extra_bits + 1);  // + the distance code's 0 bit
        position = run.position + static_cast<std::size_t>(run.length);
    }
    kernel.pack_literals(data + position, end - position, literal_codes, sink);
    bits.put(codes[kEndOfBlock], lengths[kEndOfBlock]);
}

}  // namespace

std::size_t band_bound(std::size_t n) noexcept {
    // Per block, the choice between Huffman and stored costs at most the
    // stored overhead: 5 bytes per 65535 plus 1 for the partial byte; then
    // the aligning empty block (5 bytes) and the bit writer's 8-byte slack.
    return n + 6 * (n / kStoredMax + n / kBlockBytes + 2) + 5 + 8;
}

std::size_t zlib_bound(std::size_t n) noexcept { return band_bound(n) + 2 + 4; }

std::size_t deflate_band(const std::uint8_t* data, std::size_t n, bool final, std::uint8_t* out) {
    const PngKernel& kernel = active_png_kernel();
    BitWriter bits(out);
    if (n == 0) {
        if (final) put_stored_blocks(bits, data, 0, true);
        return static_cast<std::size_t>(bits.byte_position() - out);
    }
    std::vector<Run> runs;
    for (std::size_t begin = 0; begin < n; begin += kBlockBytes) {
        const std::size_t end = std::min(n, begin + kBlockBytes);
        put_block(kernel, bits, data, begin, end, final && end == n, runs);
    }
    if (!final && !bits.aligned()) {
        // An empty stored block brings the stream to a byte boundary, so the
        // next band (encoded on its own) can start there (RFC 1951 3.2.4).
        put_stored_blocks(bits, data, 0, false);
    }
    bits.align();
    return static_cast<std::size_t>(bits.byte_position() - out);
}

std::uint32_t adler32_combine(std::uint32_t first, std::uint32_t second, std::size_t second_length) noexcept {
    // Adler-32 (RFC 1950 8.2) of X then Y: A = 1 + sum of bytes, B = sum of
    // the A after each byte. So A(XY) = A(X) + A(Y) - 1, and each of Y's
    // n bytes adds A(X) - 1 to B on top of B(Y): B(XY) = B(X) + B(Y) + n (A(X) - 1).
    constexpr std::uint64_t kBase = 65521;
    const std::uint64_t a1 = first & 0xFFFF, b1 = first >> 16, a2 = second & 0xFFFF, b2 = second >> 16;
    const std::uint64_t n = second_length % kBase;
    const std::uint64_t a = (a1 + a2 + kBase - 1) % kBase;
    const std::uint64_t b = (b1 + b2 + n * ((a1 + kBase - 1) % kBase)) % kBase;
    return static_cast<std::uint32_t>(b << 16 | a);
}

namespace {

// CRC-32 (ISO 3309, as PNG uses it, spec 5.5) is the remainder of the
// message polynomial modulo P over GF(2); in the reflected form bit 31 holds
// x^0 and 0xEDB88320 is P without its x^32 term. The product a*b mod P:
// b times each power of x that a contains.
std::uint32_t multiply_mod_p(std::uint32_t a, std::uint32_t b) noexcept {
    std::uint32_t product = 0;
    for (int power = 0; power < 32; ++power) {  // b holds b * x^power mod P
        if (a & (0x80000000u >> power)) product ^= b;
        b = (b & 1) ? (b >> 1) ^ 0xEDB88320u : b >> 1;
    }
    return product;
}

// x^(8n) mod P, by squaring: the shift that appending n bytes applies.
std::uint32_t x_to_8n_mod_p(std::uint64_t n) noexcept {
    std::uint32_t result = 0x80000000u;  // x^0
    std::uint32_t square = 0x00800000u;  // x^8
    for (; n != 0; n >>= 1) {
        if (n & 1) result = multiply_mod_p(result, square);
        square = multiply_mod_p(square, square);
    }
    return result;
}

}  // namespace

std::uint32_t crc32_combine(std::uint32_t first, std::uint32_t second, std::size_t second_length) noexcept {
    // The CRC is linear: CRC(XY) = CRC(X) * x^(8|Y|) + CRC(Y) mod P; the
    // initial and final inversions cancel out in that sum.
    return multiply_mod_p(x_to_8n_mod_p(second_length), first) ^ second;
}

std::size_t zlib_store(const std::uint8_t* data, std::size_t n, std::uint8_t* out) noexcept {
    BitWriter bits(put_zlib_header(out));
    put_stored_blocks(bits, data, n, true);
    return put_adler32(libdeflate_adler32(1, data, n), bits.byte_position(), out);
}

std::size_t zlib_huffman_rle(const std::uint8_t* data, std::size_t n, std::uint8_t* out) {
    std::uint8_t* body = put_zlib_header(out);
    const std::size_t size = deflate_band(data, n, true, body);
    return put_adler32(libdeflate_adler32(1, data, n), body + size, out);
}

std::uint8_t* put_zlib_header(std::uint8_t* out) noexcept {
    // CM=8 (deflate), CINFO=7 (32K window), FLEVEL=0, FCHECK making it a
    // multiple of 31 (RFC 1950 2.2).
    out[0] = 0x78;
    out[1] = 0x01;
    return out + 2;
}

std::size_t put_adler32(std::uint32_t adler, std::uint8_t* out, std::uint8_t* stream_start) noexcept {
    out[0] = static_cast<std::uint8_t>(adler >> 24);
    out[1] = static_cast<std::uint8_t>(adler >> 16);
    out[2] = static_cast<std::uint8_t>(adler >> 8);
    out[3] = static_cast<std::uint8_t>(adler);
    return static_cast<std::size_t>(out + 4 - stream_start);
}

}  // namespace frame64::png
