// Byte-class bitmasks of a 64-byte block for the CSV structural indexer.
//
// Header-only: static inline functions over SSE2 intrinsics (baseline x86-64),
// inlined into CSVCore/Kernels by the compiler. No library, no state. A portable
// scalar version is used elsewhere. Swift's standard library has no movemask,
// which is why this exists (see shared/SWIFT_NOTES.md: 6.5 GB/s vs 4.9 for the
// pure-Swift multiply-pack).
#ifndef TRADESCAN_CSV_KERNELS_H
#define TRADESCAN_CSV_KERNELS_H

#include <stdint.h>
#include <stddef.h>

#if defined(__SSE2__)
#include <emmintrin.h>

/// Sets bit i of *quotes, *delims, *newlines, *returns when p[i] equals the
/// quote, the delimiter, '\n' or '\r', for i in 0..<64. p must have 64 readable bytes.
static inline void tradescan_masks64(const uint8_t *p, uint8_t quote, uint8_t delim,
                                     uint64_t *quotes, uint64_t *delims, uint64_t *newlines, uint64_t *returns) {
    const __m128i vq = _mm_set1_epi8((char)quote);
    const __m128i vd = _mm_set1_epi8((char)delim);
    const __m128i vn = _mm_set1_epi8('\n');
    const __m128i vr = _mm_set1_epi8('\r');
    const __m128i x0 = _mm_loadu_si128((const __m128i *)(p + 0));
    const __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    const __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
    const __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
#define TRADESCAN_MASK(v) \
    ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x0, v)) | \
     ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x1, v)) << 16) | \
     ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x2, v)) << 32) | \
     ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x3, v)) << 48))
    *quotes = TRADESCAN_MASK(vq);
    *delims = TRADESCAN_MASK(vd);
    *newlines = TRADESCAN_MASK(vn);
    *returns = TRADESCAN_MASK(vr);
#undef TRADESCAN_MASK
}
#define TRADESCAN_HAVE_SIMD_MASKS 1
#else
static inline void tradescan_masks64(const uint8_t *p, uint8_t quote, uint8_t delim,
                                     uint64_t *quotes, uint64_t *delims, uint64_t *newlines, uint64_t *returns) {
    uint64_t q = 0, d = 0, n = 0, r = 0;
    for (int i = 0; i < 64; i++) {
        q |= (uint64_t)(p[i] == quote) << i;
        d |= (uint64_t)(p[i] == delim) << i;
        n |= (uint64_t)(p[i] == '\n') << i;
        r |= (uint64_t)(p[i] == '\r') << i;
    }
    *quotes = q; *delims = d; *newlines = n; *returns = r;
}
#define TRADESCAN_HAVE_SIMD_MASKS 0
#endif

/// Number of '\n' and quote bytes in [p, p + count): for chunk planning.
static inline void tradescan_count_quotes_newlines(const uint8_t *p, size_t count, uint8_t quote,
                                                   uint64_t *quotes, uint64_t *newlines) {
    uint64_t q = 0, n = 0;
    size_t i = 0;
#if defined(__SSE2__)
    // Byte lanes count matches (a match is -1, so subtracting adds one) for up to
    // 255 blocks of 16 bytes, then _mm_sad_epu8 sums the lanes: no movemask and
    // popcount per block.
    const __m128i vq = _mm_set1_epi8((char)quote);
    const __m128i vn = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= count) {
        __m128i aq = zero, an = zero;
        size_t blocks = (count - i) / 16;
        if (blocks > 255) blocks = 255;
        for (size_t b = 0; b < blocks; b++, i += 16) {
            const __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
            aq = _mm_sub_epi8(aq, _mm_cmpeq_epi8(x, vq));
            an = _mm_sub_epi8(an, _mm_cmpeq_epi8(x, vn));
        }
        const __m128i sq = _mm_sad_epu8(aq, zero), sn = _mm_sad_epu8(an, zero);
        q += (uint64_t)_mm_cvtsi128_si64(sq) + (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sq, sq));
        n += (uint64_t)_mm_cvtsi128_si64(sn) + (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sn, sn));
    }
#endif
    for (; i < count; i++) { q += p[i] == quote; n += p[i] == '\n'; }
    *quotes = q; *newlines = n;
}


/// One call of stage 2's record fast path (tradescan_record_run_avx512, and its
/// scalar twin `TokenAssembler.recordRunScalar`): records of exactly `fields`
/// fields, from `start` on, whose LF is the last of their `fields` separators
/// and which end before `irregularAt`, where stage 1 found the first quoting
/// that is not simple. A quoted field is then simply quoted, and its separator
/// carries bit 30. The run stops before the first record of any other shape
/// (a blank line, another width, irregular quoting, a record starting at or
/// after `stopAt`), after `maxRecords`, or when `sepCount` separators are used
/// up; stage 2's general loop takes it from there.
///
/// Record r's bounds go to starts, ends and flags from r * stride on (absolute
/// positions; a quoted field's bounds are its contents, its flag 1), and
/// recordEnds[r] is one past its LF. stride must be `fields` rounded up to a
/// multiple of 8, plus 8: the kernel writes whole groups of 8 past the fields.
typedef struct {
    /// The separators from the first record's first one (bit 31: an LF, bit 30:
    /// the end of a quoted field), relative to `base`.
    const uint32_t *seps;
    size_t sepCount;
    int64_t base;
    /// The input; positions index it.
    const uint8_t *bytes;
    int64_t start;
    int64_t stopAt;
    int64_t irregularAt;
    size_t fields;
    size_t maxRecords;
    size_t stride;
    int64_t *starts;
    int64_t *ends;
    uint8_t *flags;
    int64_t *recordEnds;
    /// Out: separators the records took.
    size_t sepsUsed;
} tradescan_record_run;

// ---------------------------------------------------------------------------
// The AVX-512 structural indexer: stage 1 over a whole chunk in one call.
//
// Compiled for AVX-512 F/BW, PCLMULQDQ and POPCNT through target attributes, so
// the package still builds for baseline x86-64; call it only when
// tradescan_have_avx512_index() says the CPU and the OS support it. Each 64-byte
// block is one masked compare per byte class; the quote mask's prefix XOR is one
// carry-less multiply; positions are written 16 at a time by VPCOMPRESSD. The
// portable loop in StructuralIndex.swift computes the same lists.
#if defined(__x86_64__)
#include <immintrin.h>
#include <cpuid.h>

/// 1 when the CPU has AVX-512 F and BW, PCLMULQDQ, POPCNT and BMI1, and the OS
/// saves the opmask and ZMM registers.
static inline int tradescan_have_avx512_index(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27)) || !(c & (1u << 1)) || !(c & (1u << 23))) return 0;   // OSXSAVE, PCLMULQDQ, POPCNT
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6) != 0xE6) return 0;                                          // XMM, YMM, opmask, ZMM state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 16)) && (b & (1u << 30)) && (b & (1u << 3));             // AVX512F, AVX512BW, BMI1
}

/// 1 when tradescan_have_avx512_index() holds and the CPU has AVX512_VBMI2
/// (byte compress).
static inline int tradescan_have_avx512vbmi2_index(void) {
    unsigned a, b, c, d;
    if (!tradescan_have_avx512_index() || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (c & (1u << 6)) != 0;                                                // AVX512_VBMI2
}

#define TRADESCAN_AVX512 __attribute__((target("avx512f,avx512bw,pclmul,popcnt,bmi")))
#define TRADESCAN_AVX512_VBMI2 __attribute__((target("avx512f,avx512bw,avx512vbmi2,pclmul,popcnt,bmi")))

/// Writes `offset + i` (`offset` in every lane; bit 31 set where `flagged` has
/// bit i, bit 30 where `tagged` has) for each set bit i of `mask`, in order;
/// returns the new end. Writes up to 64 slots past the old end, whatever the
/// count: the caller leaves that much room.
TRADESCAN_AVX512
static inline uint32_t *tradescan_compress64(uint64_t mask, uint64_t flagged, uint64_t tagged, __m512i offset, uint32_t *out) {
    // The four stores' offsets come from independent popcounts, not a chain.
    const __m512i base = _mm512_add_epi32(offset, _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    const __m512i high = _mm512_set1_epi32((int)0x80000000u), tag = _mm512_set1_epi32(0x40000000);
    const __m512i b1 = _mm512_add_epi32(base, _mm512_set1_epi32(16));
    const __m512i b2 = _mm512_add_epi32(base, _mm512_set1_epi32(32));
    const __m512i b3 = _mm512_add_epi32(base, _mm512_set1_epi32(48));
#define TRADESCAN_LANES(b, shift) \
    _mm512_or_si512(_mm512_maskz_mov_epi32((__mmask16)(flagged >> (shift)), high), \
                    _mm512_mask_or_epi32(b, (__mmask16)(tagged >> (shift)), b, tag))
    const __m512i v0 = TRADESCAN_LANES(base, 0), v1 = TRADESCAN_LANES(b1, 16), v2 = TRADESCAN_LANES(b2, 32), v3 = TRADESCAN_LANES(b3, 48);
#undef TRADESCAN_LANES
    _mm512_storeu_si512((void *)out, _mm512_maskz_compress_epi32((__mmask16)mask, v0));
    _mm512_storeu_si512((void *)(out + _mm_popcnt_u64(mask & 0xFFFFULL)), _mm512_maskz_compress_epi32((__mmask16)(mask >> 16), v1));
    _mm512_storeu_si512((void *)(out + _mm_popcnt_u64(mask & 0xFFFFFFFFULL)), _mm512_maskz_compress_epi32((__mmask16)(mask >> 32), v2));
    _mm512_storeu_si512((void *)(out + _mm_popcnt_u64(mask & 0xFFFFFFFFFFFFULL)), _mm512_maskz_compress_epi32((__mmask16)(mask >> 48), v3));
    return out + _mm_popcnt_u64(mask);
}

/// tradescan_compress64 by one byte compress (AVX512_VBMI2): the set bits'
/// indexes (bit 7 set where flagged, bit 6 where tagged) packed into bytes,
/// then widened sixteen at a time. A block's few separators need one compress
/// instead of four.
TRADESCAN_AVX512_VBMI2
static inline uint32_t *tradescan_compress64_bytes(uint64_t mask, uint64_t flagged, uint64_t tagged, __m512i offset, uint32_t *out) {
    const __m512i iota = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48,
                                         47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
                                         31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
                                         15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i flaggedBytes = _mm512_mask_blend_epi8(flagged, iota, _mm512_or_si512(iota, _mm512_set1_epi8((char)0x80)));
    const __m512i marked = _mm512_mask_blend_epi8(tagged, flaggedBytes, _mm512_or_si512(flaggedBytes, _mm512_set1_epi8(0x40)));
    const __m512i packed = _mm512_maskz_compress_epi8(mask, marked);
    const uint64_t count = (uint64_t)_mm_popcnt_u64(mask);
    const __m512i low6 = _mm512_set1_epi32(0x3F), flags = _mm512_set1_epi32(0xC0);
#define TRADESCAN_WIDEN(bytes16, at) do { \
        const __m512i w = _mm512_cvtepu8_epi32(bytes16); \
        const __m512i v = _mm512_or_si512(_mm512_add_epi32(_mm512_and_si512(w, low6), offset), \
                                          _mm512_slli_epi32(_mm512_and_si512(w, flags), 24)); \
        _mm512_storeu_si512((void *)(out + (at)), v); \
    } while (0)
    TRADESCAN_WIDEN(_mm512_castsi512_si128(packed), 0);
    if (count > 16) {
        TRADESCAN_WIDEN(_mm512_extracti32x4_epi32(packed, 1), 16);
        if (count > 32) {
            TRADESCAN_WIDEN(_mm512_extracti32x4_epi32(packed, 2), 32);
            if (count > 48) TRADESCAN_WIDEN(_mm512_extracti32x4_epi32(packed, 3), 48);
        }
    }
#undef TRADESCAN_WIDEN
    return out + count;
}

/// tradescan_compress64 without flags (the quote, quoted-LF and irregular lists).
TRADESCAN_AVX512
static inline uint32_t *tradescan_compress64_plain(uint64_t mask, __m512i offset, uint32_t *out) {
    const __m512i base = _mm512_add_epi32(offset, _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    const __m512i b1 = _mm512_add_epi32(base, _mm512_set1_epi32(16));
    const __m512i b2 = _mm512_add_epi32(base, _mm512_set1_epi32(32));
    const __m512i b3 = _mm512_add_epi32(base, _mm512_set1_epi32(48));
    _mm512_storeu_si512((void *)out, _mm512_maskz_compress_epi32((__mmask16)mask, base));
    _mm512_storeu_si512((void *)(out + _mm_popcnt_u64(mask & 0xFFFFULL)), _mm512_maskz_compress_epi32((__mmask16)(mask >> 16), b1));
    _mm512_storeu_si512((void *)(out + _mm_popcnt_u64(mask & 0xFFFFFFFFULL)), _mm512_maskz_compress_epi32((__mmask16)(mask >> 32), b2));
    _mm512_storeu_si512((void *)(out + _mm_popcnt_u64(mask & 0xFFFFFFFFFFFFULL)), _mm512_maskz_compress_epi32((__mmask16)(mask >> 48), b3));
    return out + _mm_popcnt_u64(mask);
}

/// tradescan_compress64_bytes without flags.
TRADESCAN_AVX512_VBMI2
static inline uint32_t *tradescan_compress64_bytes_plain(uint64_t mask, __m512i offset, uint32_t *out) {
    const __m512i iota = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48,
                                         47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
                                         31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
                                         15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i packed = _mm512_maskz_compress_epi8(mask, iota);
    const uint64_t count = (uint64_t)_mm_popcnt_u64(mask);
    _mm512_storeu_si512((void *)out, _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(packed)), offset));
    if (count > 16) {
        _mm512_storeu_si512((void *)(out + 16), _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 1)), offset));
        if (count > 32) {
            _mm512_storeu_si512((void *)(out + 32), _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 2)), offset));
            if (count > 48) _mm512_storeu_si512((void *)(out + 48), _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 3)), offset));
        }
    }
    return out + count;
}

/// What tradescan_index_avx512 wrote, and the quote state after the last byte.
typedef struct {
    size_t separators;
    size_t quotes;
    size_t quotedNewlines;
    size_t irregular;
    /// All ones when the parity model ends inside quotes, else zero.
    uint64_t inside;
} tradescan_index_counts;

// The stage-1 loop of the two AVX-512 kernels below; EMIT writes flagged
// positions (separators), EMIT_PLAIN the other lists.
//
// Besides the separators, it checks that the quoting is simple: each opening
// quote right after a separator (or where a record starts), each closing
// quote right before one (or before CR LF). A separator right after a closing
// quote (or after one and a CR) ends a quoted field and gets bit 30. Where the
// check fails (an opening quote after other bytes; a byte after a closing
// quote that is not a separator, or not LF after its CR) the position goes to
// the irregular list: a doubled quote, a stray one, text after a closing quote.
// The check looks only backwards, so a block needs only the last two bytes'
// facts from the one before.
//
// Whole blocks are read by plain loads; only the last, partial one is masked.
#define TRADESCAN_INDEX_BLOCK(EMIT, EMIT_PLAIN, LOAD, valid) { \
        const __m512i x = LOAD; \
        const uint64_t qm = _mm512_mask_cmpeq_epi8_mask(valid, x, vq); \
        const uint64_t dm = _mm512_mask_cmpeq_epi8_mask(valid, x, vd); \
        const uint64_t nm = _mm512_mask_cmpeq_epi8_mask(valid, x, vn); \
        const uint64_t cr = _mm512_mask_cmpeq_epi8_mask(valid, x, vr); \
        const uint64_t in = (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)qm), ones, 0)) ^ carry; \
        carry = (uint64_t)((int64_t)in >> 63); \
        const uint64_t sep = (dm | nm) & ~in, closing = qm & ~in; \
        const uint64_t afterClose = (closing << 1) | (closeBefore >> 63); \
        const uint64_t afterCloseCR = ((afterClose & cr) << 1) | (closeCRBefore >> 63); \
        const uint64_t bad = ((qm & in & ~((sep << 1) | (sepBefore >> 63))) | (afterClose & ~(sep | cr)) | (afterCloseCR & ~nm)) & (valid); \
        sepBefore = sep; \
        closeBefore = closing; \
        closeCRBefore = afterClose & cr; \
        const __m512i at = _mm512_set1_epi32((int)offset); \
        /* Quotes are written whatever the block holds: in this data about six blocks */ \
        /* in ten have one, a branch no predictor guesses. */ \
        q = EMIT_PLAIN(qm, at, q); \
        /* LFs inside quotes (a whole block inside one quoted field included) are rare, */ \
        /* and so is irregular quoting. */ \
        const uint64_t lfInside = nm & in; \
        if (lfInside) l = EMIT_PLAIN(lfInside, at, l); \
        if (bad) g = EMIT_PLAIN(bad, at, g); \
        s = EMIT(sep, nm, sep & (afterClose | afterCloseCR), at, s); \
    }

#define TRADESCAN_INDEX_LOOP(EMIT, EMIT_PLAIN) \
    const __m512i vq = _mm512_set1_epi8((char)quote); \
    const __m512i vd = _mm512_set1_epi8((char)delim); \
    const __m512i vn = _mm512_set1_epi8('\n'); \
    const __m512i vr = _mm512_set1_epi8('\r'); \
    const __m128i ones = _mm_set1_epi8((char)0xFF); \
    uint32_t *s = separators, *q = quotes, *l = quotedNewlines, *g = irregular; \
    uint64_t carry = inside; \
    /* Bit 63: the byte before this block is a separator; a closing quote; a CR after a closing quote. */ \
    uint64_t sepBefore = before << 63, closeBefore = (before >> 1) << 63, closeCRBefore = (before >> 2) << 63; \
    size_t offset = 0; \
    for (; offset + 64 <= length; offset += 64) { \
        /* Ask for the bytes 4 KiB ahead: the hardware prefetcher alone leaves this */ \
        /* loop waiting on memory. Over the 86 MB benchmark input in a C loop, this */ \
        /* kernel ran at 4.6 GB/s without it, 6.9 at 1 KiB, 8.5 at 4 KiB, no more */ \
        /* at 8 or 16 KiB. A prefetch never faults, so running past the end is harmless. */ \
        _mm_prefetch((const char *)((uintptr_t)(p + offset) + 4096), _MM_HINT_T0); \
        TRADESCAN_INDEX_BLOCK(EMIT, EMIT_PLAIN, _mm512_loadu_si512((const void *)(p + offset)), ~0ULL) \
    } \
    if (offset < length) { \
        /* A masked load does not touch the bytes it leaves out. */ \
        const uint64_t valid = (1ULL << (length - offset)) - 1; \
        TRADESCAN_INDEX_BLOCK(EMIT, EMIT_PLAIN, _mm512_maskz_loadu_epi8(valid, p + offset), valid) \
    } \
    tradescan_index_counts counts = { (size_t)(s - separators), (size_t)(q - quotes), (size_t)(l - quotedNewlines), \
                                      (size_t)(g - irregular), carry }; \
    return counts;

/// Stage 1 over p[0 ..< length]: separators (delimiters and LFs outside quotes;
/// LFs with bit 31 set, the ends of quoted fields with bit 30), every quote,
/// LFs inside quotes, and where quoting is not simple (see
/// TRADESCAN_INDEX_LOOP), as offsets from p. `inside` is all ones when p[0]
/// lies inside quotes; bits 0, 1 and 2 of `before` say that the byte before
/// p[0] is a separator (or p[0] starts a record), a closing quote, or a CR
/// after a closing quote. Each output needs room for length + 64 entries.
/// Bytes past `length` are never read.
TRADESCAN_AVX512
static tradescan_index_counts tradescan_index_avx512(const uint8_t *p, size_t length, uint8_t quote, uint8_t delim,
                                                     uint64_t inside, uint64_t before, uint32_t *separators,
                                                     uint32_t *quotes, uint32_t *quotedNewlines, uint32_t *irregular) {
    TRADESCAN_INDEX_LOOP(tradescan_compress64, tradescan_compress64_plain)
}

/// tradescan_index_avx512 with positions written by byte compress
/// (tradescan_compress64_bytes); call only when tradescan_have_avx512vbmi2_index().
TRADESCAN_AVX512_VBMI2
static tradescan_index_counts tradescan_index_avx512vbmi2(const uint8_t *p, size_t length, uint8_t quote, uint8_t delim,
                                                          uint64_t inside, uint64_t before, uint32_t *separators,
                                                          uint32_t *quotes, uint32_t *quotedNewlines, uint32_t *irregular) {
    TRADESCAN_INDEX_LOOP(tradescan_compress64_bytes, tradescan_compress64_bytes_plain)
}
#undef TRADESCAN_INDEX_LOOP
#undef TRADESCAN_INDEX_BLOCK

/// Stage 2's fast path (tradescan_record_run): a run of same-width records in
/// one call. Each record's shape is one masked compare per 16 separators; its
/// bounds are written eight at a time. One call per run, not per record, lets
/// the loads of one record overlap the stores of the last.
TRADESCAN_AVX512
static size_t tradescan_record_run_avx512(tradescan_record_run *run) {
    const size_t fields = run->fields, stride = run->stride;
    const uint64_t want = 1ULL << (fields - 1);
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi64(1);
    const __m512i position = _mm512_set1_epi64(0x3FFFFFFF), b = _mm512_set1_epi64(run->base);
    size_t used = 0, n = 0;
    int64_t start = run->start;
    while (n < run->maxRecords && start < run->stopAt && used + fields <= run->sepCount) {
        const uint32_t *s = run->seps + used;
        uint64_t lf = 0;
        for (size_t j = 0; j < fields; j += 16) {
            const size_t left = fields - j;
            const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
            // Bit 31 set reads as a negative 32-bit lane.
            lf |= (uint64_t)_mm512_mask_cmplt_epi32_mask(m, _mm512_maskz_loadu_epi32(m, s + j), zero) << j;
        }
        if (lf != want) break;
        const int64_t last = run->base + (int64_t)(s[fields - 1] & 0x3FFFFFFFu);
        if (last >= run->irregularAt) break;
        const int64_t lastStart = fields == 1 ? start : run->base + (int64_t)(s[fields - 2] & 0x3FFFFFFFu) + 1;
        if (fields == 1 && (last == start || (last == start + 1 && run->bytes[start] == '\r'))) break;   // a blank line
        int64_t *st = run->starts + n * stride, *en = run->ends + n * stride;
        uint8_t *fl = run->flags + n * stride;
        st[0] = start + (int64_t)((s[0] >> 30) & 1);
        for (size_t j = 0; j < fields; j += 8) {
            const size_t left = fields - j;
            const __mmask8 m = left >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << left) - 1);
            const __mmask8 mNext = left > 8 ? (__mmask8)0xFF : (__mmask8)((1u << (left - 1)) - 1);
            // The separators ending fields j ..< j + 8, and those ending the fields after them.
            const __m512i raw = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(_mm512_maskz_loadu_epi32((__mmask16)m, s + j)));
            const __m512i next = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(_mm512_maskz_loadu_epi32((__mmask16)mNext, s + j + 1)));
            const __m512i e = _mm512_add_epi64(_mm512_and_si512(raw, position), b);
            // Bit 30: the field is quoted, its contents one byte in from each end.
            const __m512i quoted = _mm512_and_si512(_mm512_srli_epi64(raw, 30), one);
            const __m512i nextQuoted = _mm512_and_si512(_mm512_srli_epi64(next, 30), one);
            // Plain stores, not masked ones: a load right after a masked store of
            // the same bytes is not forwarded from it.
            _mm512_storeu_si512((void *)(en + j), _mm512_sub_epi64(e, quoted));
            _mm512_storeu_si512((void *)(st + j + 1), _mm512_add_epi64(_mm512_add_epi64(e, one), nextQuoted));
            _mm_storel_epi64((__m128i *)(fl + j), _mm512_cvtepi64_epi8(quoted));
        }
        // A CR before the LF ends a non-empty last field (before its closing quote, if quoted).
        if (last > lastStart && run->bytes[last - 1] == '\r') en[fields - 1] = last - 1 - (int64_t)((s[fields - 1] >> 30) & 1);
        run->recordEnds[n] = last + 1;
        used += fields;
        start = last + 1;
        n++;
    }
    run->sepsUsed = used;
    return n;
}

/// tradescan_count_quotes_newlines with 64-byte compares and POPCNT.
TRADESCAN_AVX512
static void tradescan_count_quotes_newlines_avx512(const uint8_t *p, size_t count, uint8_t quote,
                                                   uint64_t *quotes, uint64_t *newlines) {
    const __m512i vq = _mm512_set1_epi8((char)quote);
    const __m512i vn = _mm512_set1_epi8('\n');
    uint64_t q = 0, n = 0;
    for (size_t i = 0; i < count; i += 64) {
        const size_t left = count - i;
        const uint64_t valid = left >= 64 ? ~0ULL : (1ULL << left) - 1;
        _mm_prefetch((const char *)((uintptr_t)(p + i) + 4096), _MM_HINT_T0);
        const __m512i x = _mm512_maskz_loadu_epi8(valid, p + i);
        q += (uint64_t)_mm_popcnt_u64(_mm512_mask_cmpeq_epi8_mask(valid, x, vq));
        n += (uint64_t)_mm_popcnt_u64(_mm512_mask_cmpeq_epi8_mask(valid, x, vn));
    }
    *quotes = q; *newlines = n;
}
#undef TRADESCAN_AVX512
#undef TRADESCAN_AVX512_VBMI2
// ---------------------------------------------------------------------------
// Decimal fields of up to sixteen bytes, by AVX-512 (BW, VL, VBMI2) on 16-byte
// vectors: one masked load (only the field's bytes), one compare for the
// bytes that are not digits, one compress to drop the separator, and three
// multiply-adds for the value. DecimalParser.plainScalar (Swift) is the twin
// it is tested against.

/// 1 when tradescan_have_avx512vbmi2_index() holds and the CPU has AVX512VL.
static inline int tradescan_have_avx512_decimal(void) {
    unsigned a, b, c, d;
    if (!tradescan_have_avx512vbmi2_index() || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 31)) != 0;                                               // AVX512VL
}

/// The shape `digits`, `digits sep digits`, `digits sep` or `sep digits` in
/// the n (1...16) bytes at p, with at least one digit: writes all its digits
/// as one integer to *mantissa and how many follow the separator to
/// *fraction, and returns 1. Returns 0 for any other shape (a sign, a second
/// separator, any other byte) or length. sep must not be a digit. Call only
/// when tradescan_have_avx512_decimal() says the CPU can.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi2,bmi")))
static inline int tradescan_decimal16(const uint8_t *p, size_t n, uint8_t sep, uint64_t *mantissa, int *fraction) {
    if (n - 1 >= 16) return 0;
    const __mmask16 len = (__mmask16)((1u << n) - 1);
    const __m128i t = _mm_sub_epi8(_mm_maskz_loadu_epi8(len, p), _mm_set1_epi8('0'));
    const __mmask16 digits = _mm_mask_cmplt_epu8_mask(len, t, _mm_set1_epi8(10));
    const __mmask16 other = (__mmask16)(len & ~digits);
    int frac = 0;
    int count = (int)n;
    if (other) {
        if (other & (other - 1)) return 0;
        const int at = __builtin_ctz(other);
        if (p[at] != sep) return 0;
        count = (int)n - 1;
        frac = count - at;
        if (count == 0) return 0;
    }
    // The digits packed at the front, then right-aligned in sixteen places: lane i takes
    // digit i - (16 - count), and a negative index (high bit set) gives zero.
    const __m128i packed = _mm_maskz_compress_epi8(digits, t);
    const __m128i index = _mm_add_epi8(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm_set1_epi8((char)(count - 16)));
    const __m128i d = _mm_shuffle_epi8(packed, index);
    // Pairs (10a + b), fours (100ab + cd), then the two eights (10000abcd + efgh).
    const __m128i pairs = _mm_maddubs_epi16(d, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
    const __m128i fours = _mm_madd_epi16(pairs, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
    const __m128i narrow = _mm_packus_epi32(fours, fours);
    const __m128i eights = _mm_madd_epi16(narrow, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
    *mantissa = (uint64_t)(uint32_t)_mm_cvtsi128_si32(eights) * 100000000ULL + (uint64_t)(uint32_t)_mm_extract_epi32(eights, 1);
    *fraction = frac;
    return 1;
}

#define TRADESCAN_HAVE_AVX512_INDEX 1
#else
static inline int tradescan_have_avx512_index(void) { return 0; }
static inline int tradescan_have_avx512vbmi2_index(void) { return 0; }
static inline int tradescan_have_avx512_decimal(void) { return 0; }
static inline int tradescan_decimal16(const uint8_t *p, size_t n, uint8_t sep, uint64_t *mantissa, int *fraction) { return 0; }
#define TRADESCAN_HAVE_AVX512_INDEX 0
#endif

/// Asks the CPU to bring the cache line holding p into its caches, for a read
/// soon. A hint: it never faults (p may be any address) and changes no result.
static inline void tradescan_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
