#include "stream/zip_writer_format.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <exception>
#include <libdeflate.h>
#include <thread>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "stream/deflate_pieces.hpp"
#include "stream/igzip.hpp"
#include "util/fd.hpp"
#include "util/threads.hpp"

namespace ansible_runner::stream {
namespace {

constexpr uint32_t k_max32 = 0xFFFFFFFFu;
// Files this large get zip64 sizes in their local header up front (they may still grow a little
// while being read; the header cannot grow afterwards).
constexpr uint64_t k_zip64_threshold = 0xF0000000u;
constexpr size_t k_flush_at = 64 * 1024;
// Large files are deflated in pieces of this size, one per thread, at most this many at once
// (a round's input and output stay in memory: about 0.7 MiB per thread on text). Smaller
// pieces cost size (no dictionary crosses a piece: +0.2% at 512 KiB, +0.5% at 256 KiB on
// text), larger ones memory.
constexpr size_t k_piece = 512 * 1024;
constexpr unsigned k_max_piece_threads = 4;
// An empty final block (static Huffman, end-of-block only): ends a stream whose pieces so far
// were all joinable.
constexpr char k_empty_final_block[] = {'\x03', '\0'};

// Reads until `size` bytes or end of file; returns the bytes read.
size_t read_full(int fd, char* buf, size_t size, const std::string& what) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, buf + got, size - got);
    if (n == 0) {
      break;
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Error("cannot read " + what + ": " + std::strerror(errno));
    }
    got += static_cast<size_t>(n);
  }
  return got;
}

} // namespace

// Compression state of one thread, reused for all its entries: whole buffers (small files and
// the probes of large ones) with igzip when it is installed (stream/igzip.hpp), else libdeflate
// level 1. Large files go through DeflatePieces.
struct ZipFormatWriter::Deflater {
  const Igzip* igzip;
  std::unique_ptr<Igzip::Scratch> igzip_scratch; // with igzip
  std::unique_ptr<Level1Compressor> whole;       // without

  explicit Deflater(bool use_igzip) : igzip(use_igzip ? Igzip::load() : nullptr) {
    if (igzip) {
      igzip_scratch = std::make_unique<Igzip::Scratch>();
    } else {
      whole = std::make_unique<Level1Compressor>();
    }
  }

  // Deflates `in` into `out` when that saves at least 3%; returns the compressed size, or 0
  // (store it) when it does not.
  size_t compress(std::string_view in, char* out) {
    size_t limit = in.empty() ? 0 : (in.size() * 97 - 1) / 100; // worth_deflating(n, c) <=> c <= limit
    if (limit == 0) {
      return 0;
    }
    if (igzip) {
      return igzip->deflate(in, out, limit, *igzip_scratch);
    }
    return libdeflate_deflate_compress(whole->get(), in.data(), in.size(), out, limit);
  }
};

uint32_t crc_of(std::string_view data) {
  return libdeflate_crc32(0, data.data(), data.size());
}

// A small file waiting in the batch: its bytes, then (after compression) the deflated ones
// when they are worth it.
struct ZipFormatWriter::Pending {
  Entry entry;
  std::string raw;
  std::string packed;

  void compress(Deflater& deflater) {
    entry.size = raw.size();
    entry.crc = crc_of(raw);
    packed.resize(raw.size());
    packed.resize(deflater.compress(raw, packed.data()));
    if (!packed.empty()) {
      entry.method = k_zip_method_deflate;
    }
  }
};

namespace {

// Batches below this are compressed on the calling thread alone: a thread costs more.
constexpr size_t k_parallel_min = 128 * 1024;
constexpr size_t k_batch_bytes = 256 * 1024;
constexpr size_t k_batch_entries = 256;

} // namespace

ZipFormatWriter::ZipFormatWriter(int fd, bool use_igzip) : m_fd(fd), m_use_igzip(use_igzip) {
  m_buffer.reserve(k_flush_at + 1024);
}

ZipFormatWriter::~ZipFormatWriter() {
  if (m_helper.joinable()) {
    m_helper.join(); // only after an error: finish_inflight() joins it otherwise
  }
}

void ZipFormatWriter::write_entry(Entry& e, std::string_view data) {
  e.compressed = data.size();
  bool zip64 = e.size >= k_zip64_threshold;
  uint64_t offset = m_offset;
  write_local_header(e, zip64);
  append(data);
  finish_entry(e, offset, zip64);
}

void ZipFormatWriter::queue(Pending pending) {
  m_batch_bytes += pending.raw.size();
  m_batch.push_back(std::move(pending));
  if (m_batch_bytes >= k_batch_bytes || m_batch.size() >= k_batch_entries) {
    rotate_batch();
  }
}

void ZipFormatWriter::rotate_batch() {
  finish_inflight();
  if (m_batch.empty()) {
    return;
  }
  if (!m_deflater) {
    m_deflater = std::make_unique<Deflater>(m_use_igzip);
  }
  m_inflight.swap(m_batch);
  m_batch.clear();
  m_next_pending.store(0);
  bool parallel = m_batch_bytes >= k_parallel_min && m_inflight.size() >= 2;
  m_batch_bytes = 0;
  if (!parallel) {
    return; // finish_inflight() compresses it on this thread
  }
  if (!m_helper_deflater) {
    m_helper_deflater = std::make_unique<Deflater>(m_use_igzip);
  }
  m_helper_error = nullptr;
  // The helper starts on this batch while this thread reads the next one, then helps finish it.
  m_helper = util::start_helper_thread([this] {
    try {
      compress_inflight(*m_helper_deflater);
    } catch (...) {
      m_helper_error = std::current_exception();
    }
  });
}

void ZipFormatWriter::compress_inflight(Deflater& deflater) {
  // Both threads take the next entry from one counter, so each is compressed exactly once.
  for (size_t i = m_next_pending.fetch_add(1); i < m_inflight.size(); i = m_next_pending.fetch_add(1)) {
    m_inflight[i].compress(deflater);
  }
}

void ZipFormatWriter::finish_inflight() {
  if (m_inflight.empty()) {
    return;
  }
  std::exception_ptr own_error;
  try {
    compress_inflight(*m_deflater);
  } catch (...) {
    own_error = std::current_exception();
  }
  if (m_helper.joinable()) {
    m_helper.join();
  }
  if (own_error || m_helper_error) {
    m_inflight.clear();
    std::rethrow_exception(own_error ? own_error : m_helper_error);
  }
  for (auto& p : m_inflight) {
    write_entry(p.entry, p.entry.method == k_zip_method_deflate ? std::string_view(p.packed) : std::string_view(p.raw));
  }
  m_inflight.clear();
}

void ZipFormatWriter::flush_batch() {
  rotate_batch();
  finish_inflight();
}

void ZipFormatWriter::append(std::string_view bytes) {
  if (m_buffer.size() + bytes.size() > k_flush_at) {
    flush();
  }
  if (bytes.size() >= k_flush_at) {
    if (!util::write_all(m_fd, bytes)) {
      throw Error(std::string("cannot write the zip archive: ") + std::strerror(errno));
    }
    m_flushed += bytes.size();
  } else {
    m_buffer.append(bytes);
  }
  m_offset += bytes.size();
}

void ZipFormatWriter::flush() {
  if (m_buffer.empty()) {
    return;
  }
  if (!util::write_all(m_fd, m_buffer)) {
    throw Error(std::string("cannot write the zip archive: ") + std::strerror(errno));
  }
  m_flushed += m_buffer.size();
  m_buffer.clear();
}

void ZipFormatWriter::patch(uint64_t offset, std::string_view bytes) {
  if (offset >= m_flushed) {
    std::memcpy(m_buffer.data() + (offset - m_flushed), bytes.data(), bytes.size());
    return;
  }
  // Header fields are never split between file and buffer: a header goes into the buffer whole.
  if (::pwrite(m_fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)) != static_cast<ssize_t>(bytes.size())) {
    throw Error(std::string("cannot write the zip archive: ") + std::strerror(errno));
  }
}

size_t ZipFormatWriter::deflate_whole(std::string_view in) {
  if (!m_deflater) {
    m_deflater = std::make_unique<Deflater>(m_use_igzip);
  }
  ensure_probe(in.size());
  return m_deflater->compress(in, m_probe.get());
}

void ZipFormatWriter::ensure_probe(size_t size) {
  if (size > m_probe_capacity) {
    m_probe.reset(new char[size]);
    m_probe_capacity = size;
  }
}

void ZipFormatWriter::write_local_header(const Entry& e, bool zip64) {
  std::string h = zip_local_header(e, zip64);
  if (m_buffer.size() + h.size() > k_flush_at) {
    flush(); // keep the header in one piece for patch()
  }
  append(h);
}

void ZipFormatWriter::finish_entry(Entry& e, uint64_t header_offset, bool zip64_local) {
  append_central_record(m_central, e, header_offset, zip64_local);
  ++m_entries;
}

void ZipFormatWriter::add_buffer(const std::string& name, std::string_view content, uint32_t attributes, time_t mtime,
                                 bool may_deflate) {
  flush_batch(); // entries keep their order
  Entry e;
  e.name = name;
  e.flags = zip_name_flags(name);
  e.dos_time = dos_date_time(mtime);
  e.attributes = attributes;
  e.size = content.size();
  e.crc = crc_of(content);
  std::string_view data = content;
  if (may_deflate && !content.empty()) {
    size_t compressed = deflate_whole(content);
    if (compressed > 0) {
      e.method = k_zip_method_deflate;
      data = std::string_view(m_probe.get(), compressed);
    }
  }
  write_entry(e, data);
}

void ZipFormatWriter::add_directory(const std::string& name, uint32_t attributes, time_t mtime) {
  // Queued like a small file (no data): a directory does not stop the batch pipeline.
  Pending p;
  p.entry.name = name + "/";
  p.entry.flags = zip_name_flags(name);
  p.entry.dos_time = dos_date_time(mtime);
  p.entry.attributes = attributes;
  queue(std::move(p));
}

void ZipFormatWriter::add_file(const std::string& name, int in, const std::string& what, uint32_t attributes,
                               time_t mtime, uint64_t expected_size) {
  auto queue_whole = [&](std::string raw) {
    // The whole file is in memory: its compression is its probe. Batched for two threads.
    Pending p;
    p.entry.name = name;
    p.entry.flags = zip_name_flags(name);
    p.entry.dos_time = dos_date_time(mtime);
    p.entry.attributes = attributes;
    p.raw = std::move(raw);
    queue(std::move(p));
  };
  if (expected_size > 0 && expected_size < k_chunk) {
    // One read, straight into the entry (most files of a project).
    std::string raw(static_cast<size_t>(expected_size), '\0');
    raw.resize(read_full(in, raw.data(), raw.size(), what));
    queue_whole(std::move(raw));
    return;
  }
  if (!m_read) {
    m_read.reset(new char[k_chunk]);
  }
  size_t first = read_full(in, m_read.get(), k_chunk, what);
  if (first < k_chunk) {
    queue_whole(std::string(m_read.get(), first));
    return;
  }
  flush_batch();
  Entry e;
  e.name = name;
  e.flags = zip_name_flags(name);
  e.dos_time = dos_date_time(mtime);
  e.attributes = attributes;
  e.method = deflate_whole(std::string_view(m_read.get(), first)) > 0 ? k_zip_method_deflate : k_zip_method_store;
  bool zip64 = expected_size >= k_zip64_threshold;
  uint64_t header_offset = m_offset;
  write_local_header(e, zip64);

  if (e.method == k_zip_method_deflate) {
    deflate_in_pieces(e, in, what, first);
  } else {
    uint32_t crc = 0;
    for (size_t n = first;; n = read_full(in, m_read.get(), k_chunk, what)) {
      crc = libdeflate_crc32(crc, m_read.get(), n);
      e.size += n;
      append(std::string_view(m_read.get(), n));
      e.compressed += n;
      if (n < k_chunk) {
        break;
      }
    }
    e.crc = crc;
  }
  if (!zip64 && (e.size >= k_max32 || e.compressed >= k_max32)) {
    throw Error(what + " grew past 4 GB while it was being zipped");
  }
  // The sizes and CRC are known only now: fill them into the local header.
  patch(header_offset + k_zip_local_crc_at, zip_local_crc_and_sizes(e, zip64));
  if (zip64) {
    patch(header_offset + zip64_local_sizes_at(e), zip64_local_sizes(e));
  }
  finish_entry(e, header_offset, zip64);
}

void ZipFormatWriter::deflate_in_pieces(Entry& e, int in, const std::string& what, size_t first) {
  if (!m_pieces) {
    m_pieces = std::make_unique<DeflatePieces>(std::min(util::usable_cores(), k_max_piece_threads));
    m_piece_in.resize(m_pieces->threads());
    for (auto& buffer : m_piece_in) {
      buffer.reset(new char[k_piece]);
    }
  }
  uint32_t crc = 0;
  size_t carried = first; // the probe's bytes, already read, start the first piece
  std::vector<std::string_view> round;
  for (bool end = false; !end;) {
    round.clear();
    for (size_t i = 0; i < m_piece_in.size() && !end; ++i) {
      char* buffer = m_piece_in[i].get();
      size_t have = std::exchange(carried, 0);
      std::memcpy(buffer, m_read.get(), have);
      have += read_full(in, buffer + have, k_piece - have, what);
      end = have < k_piece;
      if (have > 0) {
        round.emplace_back(buffer, have);
        crc = libdeflate_crc32(crc, buffer, have);
        e.size += have;
      }
    }
    if (round.empty()) { // the file ended where a piece did: close the stream
      append(std::string_view(k_empty_final_block, sizeof k_empty_final_block));
      e.compressed += sizeof k_empty_final_block;
      break;
    }
    m_pieces->compress(round, m_piece_out, end);
    for (size_t i = 0; i < round.size(); ++i) {
      append(m_piece_out[i]);
      e.compressed += m_piece_out[i].size();
    }
  }
  e.crc = crc;
}

void ZipFormatWriter::finish() {
  flush_batch();
  uint64_t central_offset = m_offset;
  uint64_t central_size = m_central.size();
  append(m_central);
  m_central.clear();
  m_central.shrink_to_fit();
  append(zip_end_records(m_entries, central_offset, central_size, m_offset));
  flush();
}

} // namespace ansible_runner::stream
