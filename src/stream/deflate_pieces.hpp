#pragma once
// One raw deflate stream made of pieces deflated independently, so that every core can work on
// one large file (docs/streaming-protocol.md, "Compression").
//
// libdeflate compresses whole buffers only, about twice as fast as zlib at the same ratio, and
// always ends its output with a final block. A piece that is not the last of its stream is made
// joinable: the final bit of its last block is cleared and an empty stored block is appended,
// which ends the piece on a byte boundary so the next piece's bytes follow as they are (the way
// zlib's examples/gzjoin.c joins streams). The last block's header is found by walking the
// piece with zlib's inflate(Z_BLOCK), which also checks that the piece decodes.
//
// No dictionary crosses a piece boundary: on text that costs about 0.2% of size at 512 KiB pieces.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct libdeflate_compressor;

namespace ansible_runner::stream {

// A libdeflate compressor at level 1, the level of every entry we deflate (whole small files,
// probes and pieces). Throws Error when libdeflate cannot allocate one.
class Level1Compressor {
public:
  Level1Compressor();
  ~Level1Compressor();
  Level1Compressor(const Level1Compressor&) = delete;
  Level1Compressor& operator=(const Level1Compressor&) = delete;
  libdeflate_compressor* get() const { return m_compressor; }

private:
  libdeflate_compressor* m_compressor;
};

// Clears the final bit of the last block of `piece` (one complete raw deflate stream, nothing
// after it) and appends an empty stored block. Returns false, leaving `piece` as it was, when
// `piece` is not exactly one valid deflate stream.
bool make_deflate_piece_joinable(std::string& piece);

class DeflatePieces {
public:
  // Deflates up to `threads` pieces at once (the calling thread and threads - 1 helpers).
  explicit DeflatePieces(unsigned threads);
  ~DeflatePieces();
  DeflatePieces(const DeflatePieces&) = delete;
  DeflatePieces& operator=(const DeflatePieces&) = delete;

  unsigned threads() const { return static_cast<unsigned>(m_workers.size()); }

  // Deflates in[i] into out[i] at libdeflate level 1, at most threads() pieces. Every piece is
  // made joinable except the last when `last_is_final`. The views stay valid until the next
  // call. Throws Error.
  void compress(const std::vector<std::string_view>& in, std::vector<std::string_view>& out, bool last_is_final);

private:
  struct Worker;
  std::vector<std::unique_ptr<Worker>> m_workers;
};

} // namespace ansible_runner::stream
