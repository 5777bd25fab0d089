#include "stream/deflate_pieces.hpp"

#include <climits>
#include <cstring>
#include <cstdint>
#include <exception>
#include <libdeflate.h>
#include <memory>
#include <system_error>
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
// What joining may append: one byte for the stored block's header, then its LEN and NLEN.
constexpr size_t k_join_room = 1 + sizeof k_empty_stored_block;

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
        if ((m_z.data_type & 0x38) != 0) {
          return false; // 8 or more bits held: not a position within one byte (never seen)
        }
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

// `data` holds `size` bytes of one raw deflate stream and has room for 5 more.
bool make_joinable(char* data, size_t& size, BlockWalker& walker) {
  uint64_t header_bit = 0;
  unsigned unused = 0;
  if (size == 0 || !walker.walk(std::string_view(data, size), header_bit, unused)) {
    return false;
  }
  auto* bytes = reinterpret_cast<unsigned char*>(data);
  bytes[header_bit / 8] = static_cast<unsigned char>(bytes[header_bit / 8] & ~(1u << (header_bit % 8)));
  // The stored block's 3 header bits (all zero) go into the padding when it has room.
  bytes[size - 1] = static_cast<unsigned char>(bytes[size - 1] & ((1u << (8 - unused)) - 1));
  if (unused < 3) {
    data[size++] = '\0';
  }
  std::memcpy(data + size, k_empty_stored_block, sizeof k_empty_stored_block);
  size += sizeof k_empty_stored_block;
  return true;
}

} // namespace

bool make_deflate_piece_joinable(std::string& piece) {
  BlockWalker walker;
  std::string copy = piece;
  size_t size = copy.size();
  copy.resize(size + k_join_room);
  if (!make_joinable(copy.data(), size, walker)) {
    return false;
  }
  copy.resize(size);
  piece = std::move(copy);
  return true;
}

Level1Compressor::Level1Compressor() : m_compressor(libdeflate_alloc_compressor(1)) {
  if (!m_compressor) {
    throw Error("cannot initialise libdeflate");
  }
}

Level1Compressor::~Level1Compressor() { libdeflate_free_compressor(m_compressor); }

struct DeflatePieces::Worker {
  Level1Compressor compressor;
  BlockWalker walker;
  std::exception_ptr error;

  // The output stays in `buffer`: allocated, not filled, so that only the pages the
  // compressor writes are touched (text: about a third of the bound).
  std::unique_ptr<char[]> buffer;
  size_t capacity = 0;
  size_t size = 0;

  void deflate(std::string_view in, bool joinable) {
    try {
      size_t bound = libdeflate_deflate_compress_bound(compressor.get(), in.size()) + k_join_room;
      if (bound > capacity) {
        buffer.reset(new char[bound]);
        capacity = bound;
      }
      size = libdeflate_deflate_compress(compressor.get(), in.data(), in.size(), buffer.get(), bound - k_join_room);
      if (size == 0) {
        throw Error("libdeflate failed to compress a piece");
      }
      if (joinable && !make_joinable(buffer.get(), size, walker)) {
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

void DeflatePieces::compress(const std::vector<std::string_view>& in, std::vector<std::string_view>& out,
                             bool last_is_final) {
  if (in.size() > m_workers.size()) {
    throw Error("more pieces than deflate threads");
  }
  std::vector<std::thread> helpers;
  helpers.reserve(in.size()); // push_back must not throw with a thread in hand
  for (size_t i = 1; i < in.size(); ++i) {
    bool joinable = !(last_is_final && i + 1 == in.size());
    try {
      helpers.push_back(util::start_helper_thread([this, &in, i, joinable] { m_workers[i]->deflate(in[i], joinable); }));
    } catch (const std::system_error&) {
      m_workers[i]->deflate(in[i], joinable); // no thread to be had: this piece on this thread
    }
  }
  if (!in.empty()) {
    m_workers[0]->deflate(in[0], !(last_is_final && in.size() == 1));
  }
  for (auto& helper : helpers) {
    helper.join();
  }
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (std::exception_ptr error = std::exchange(m_workers[i]->error, nullptr)) {
      std::rethrow_exception(error);
    }
    out.emplace_back(m_workers[i]->buffer.get(), m_workers[i]->size);
  }
}

} // namespace ansible_runner::stream
