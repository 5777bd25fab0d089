#include "stream/deflate_pieces.hpp"

#include <climits>
#include <cstdint>
#include <exception>
#include <libdeflate.h>
#include <memory>
#include <thread>
#include <utility>
#include <zlib.h>

#include <ansible_runner/errors.hpp>

#include "util/threads.hpp"

namespace ansible_runner::stream {
namespace {

constexpr size_t k_scratch = 64 * 1024;
// An empty stored block after the padding of the last byte: LEN 0, NLEN 0xFFFF.
constexpr char k_empty_stored_block[] = {'\0', '\0', '\xff', '\xff'};

// A raw inflater that walks a piece block by block; its output is thrown away.
class BlockWalker {
public:
  BlockWalker() : m_scratch(new unsigned char[k_scratch]) {
    if (inflateInit2(&m_z, -15) != Z_OK) {
      throw Error("cannot initialise zlib");
    }
  }
  ~BlockWalker() { inflateEnd(&m_z); }
  BlockWalker(const BlockWalker&) = delete;
  BlockWalker& operator=(const BlockWalker&) = delete;

  // Decodes `piece` to its end. On success gives the bit offset of the last block's header
  // (its final bit) and the unused high bits of the last byte.
  bool walk(std::string_view piece, uint64_t& last_header_bit, unsigned& unused_bits) {
    if (piece.size() > UINT_MAX || inflateReset(&m_z) != Z_OK) {
      return false;
    }
    m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
    m_z.avail_in = static_cast<uInt>(piece.size());
    last_header_bit = 0; // the first block starts the piece
    bool final_block_ended = false;
    for (;;) {
      m_z.next_out = m_scratch.get();
      m_z.avail_out = k_scratch;
      uInt in_before = m_z.avail_in;
      int rc = inflate(&m_z, Z_BLOCK);
      if (rc == Z_STREAM_END) {
        return final_block_ended && m_z.avail_in == 0;
      }
      bool progressed = m_z.avail_in != in_before || m_z.avail_out != k_scratch;
      if ((rc != Z_OK && rc != Z_BUF_ERROR) || !progressed) {
        return false; // corrupt, or truncated (no final block)
      }
      // Stopped right after the end of a block. Not the last (64 unset): the next block's
      // header starts here. The last: what is left of its byte is padding (the return with
      // Z_STREAM_END that follows no longer counts those bits).
      if ((m_z.data_type & 128) != 0) {
        auto unused = static_cast<unsigned>(m_z.data_type & 7);
        if ((m_z.data_type & 64) == 0) {
          last_header_bit = (piece.size() - m_z.avail_in) * 8 - unused;
        } else {
          final_block_ended = true;
          unused_bits = unused;
        }
      }
    }
  }

private:
  z_stream m_z{};
  std::unique_ptr<unsigned char[]> m_scratch;
};

bool make_joinable(std::string& piece, BlockWalker& walker) {
  uint64_t header_bit = 0;
  unsigned unused = 0;
  if (piece.empty() || !walker.walk(piece, header_bit, unused)) {
    return false;
  }
  auto& header = reinterpret_cast<unsigned char&>(piece[header_bit / 8]);
  header = static_cast<unsigned char>(header & ~(1u << (header_bit % 8)));
  // The stored block's 3 header bits (all zero) go into the padding when it has room.
  auto& last = reinterpret_cast<unsigned char&>(piece.back());
  last = static_cast<unsigned char>(last & ((1u << (8 - unused)) - 1));
  if (unused < 3) {
    piece.push_back('\0');
  }
  piece.append(k_empty_stored_block, sizeof k_empty_stored_block);
  return true;
}

} // namespace

bool make_deflate_piece_joinable(std::string& piece) {
  BlockWalker walker;
  std::string copy = piece;
  if (!make_joinable(copy, walker)) {
    return false;
  }
  piece = std::move(copy);
  return true;
}

struct DeflatePieces::Worker {
  struct FreeCompressor {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
  };
  std::unique_ptr<libdeflate_compressor, FreeCompressor> compressor{libdeflate_alloc_compressor(1)};
  BlockWalker walker;
  std::exception_ptr error;

  Worker() {
    if (!compressor) {
      throw Error("cannot initialise libdeflate");
    }
  }

  void deflate(std::string_view in, std::string& out, bool joinable) {
    try {
      out.resize(libdeflate_deflate_compress_bound(compressor.get(), in.size()));
      size_t n = libdeflate_deflate_compress(compressor.get(), in.data(), in.size(), out.data(), out.size());
      if (n == 0) {
        throw Error("libdeflate failed to compress a piece");
      }
      out.resize(n);
      if (joinable && !make_joinable(out, walker)) {
        throw Error("a deflated piece did not decode");
      }
    } catch (...) {
      error = std::current_exception();
    }
  }
};

DeflatePieces::DeflatePieces(unsigned threads) {
  for (unsigned i = 0; i < (threads ? threads : 1); ++i) {
    m_workers.push_back(std::make_unique<Worker>());
  }
}

DeflatePieces::~DeflatePieces() = default;

void DeflatePieces::compress(const std::vector<std::string_view>& in, std::vector<std::string>& out,
                             bool last_is_final) {
  if (in.size() > m_workers.size()) {
    throw Error("more pieces than deflate threads");
  }
  out.resize(in.size());
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < in.size(); ++i) {
    bool joinable = !(last_is_final && i + 1 == in.size());
    helpers.push_back(util::start_helper_thread([this, &in, &out, i, joinable] {
      m_workers[i]->deflate(in[i], out[i], joinable);
    }));
  }
  if (!in.empty()) {
    m_workers[0]->deflate(in[0], out[0], !(last_is_final && in.size() == 1));
  }
  for (auto& helper : helpers) {
    helper.join();
  }
  for (size_t i = 0; i < in.size(); ++i) {
    if (std::exception_ptr error = std::exchange(m_workers[i]->error, nullptr)) {
      std::rethrow_exception(error);
    }
  }
}

} // namespace ansible_runner::stream
