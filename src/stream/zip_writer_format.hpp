#pragma once
// The zip file format, written in one pass to an fd: local header + data per entry, then the
// central directory. Sizes and CRCs go into the local headers (patched after the data when an
// entry is streamed), never into data descriptors, so a reader can extract entries in order.
// Zip64 records are added where sizes, offsets or the entry count need them.
//
// Compression: each file's first 64 KB is deflated at level 1 as a probe; an entry that saves
// less than 3% there (random data, images, archives) is stored instead: storing costs only the
// CRC, and every zip reader (Python's zipfile, libzip, ours) accepts stored entries and any
// deflate level. Everything is deflated by libdeflate at level 1, about twice as fast as
// zlib's level 1 with a smaller output (within 15% of the reference's level 6 on text).
//
// Small files (under 64 KB: most of a project) are collected in batches of ~256 KB and
// compressed on two threads while the next batch is read, then written in their original order.
// Larger files are deflated in 512 KiB pieces, one per usable core (at most 4), joined into one
// deflate stream (deflate_pieces.hpp).
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <thread>
#include <vector>

#include "stream/zip_records.hpp"

namespace ansible_runner::stream {

class DeflatePieces;

// True when deflating `raw` bytes to `compressed` bytes is worth it (saves at least 3%).
constexpr bool worth_deflating(uint64_t raw, uint64_t compressed) { return compressed * 100 < raw * 97; }

class ZipFormatWriter {
public:
  // Bytes read from a file and probed at a time.
  static constexpr size_t k_chunk = 64 * 1024;

  // `use_igzip`: deflate small files with igzip when it is installed (stream/igzip.hpp).
  explicit ZipFormatWriter(int fd, bool use_igzip = true);
  ~ZipFormatWriter();
  ZipFormatWriter(const ZipFormatWriter&) = delete;
  ZipFormatWriter& operator=(const ZipFormatWriter&) = delete;

  // Adds the contents of the open file `in`: read to its end, or, for a file whose size is
  // known (`expected_size` > 0) and below k_chunk, that many bytes read at once (the file as it
  // was when it was stat'ed). Stored or deflated as above. `what` names the file in errors.
  // Throws Error.
  void add_file(const std::string& name, int in, const std::string& what, uint32_t attributes, time_t mtime,
                uint64_t expected_size);
  // Adds an in-memory entry; `may_deflate` false stores it (symlink targets, as the reference).
  void add_buffer(const std::string& name, std::string_view content, uint32_t attributes, time_t mtime,
                  bool may_deflate);
  // Adds a directory entry (`name` without the trailing '/').
  void add_directory(const std::string& name, uint32_t attributes, time_t mtime);
  // Writes the central directory and flushes. Throws Error.
  void finish();

private:
  using Entry = ZipRecord;
  struct Deflater;
  struct Pending;

  // Small files and directories queue into m_batch. A full batch becomes the in-flight one: a
  // helper thread starts compressing it while this thread reads the next; before the next
  // rotation this thread helps finish it and writes it out, in order. flush_batch() drains both
  // (before any entry written directly, and at the end).
  void queue(Pending pending);
  void rotate_batch();
  void compress_inflight(Deflater& deflater);
  void finish_inflight();
  void flush_batch();
  void write_entry(Entry& entry, std::string_view data);

  void write_local_header(const Entry& entry, bool zip64);
  void finish_entry(Entry& entry, uint64_t header_offset, bool zip64_local);
  void append(std::string_view bytes);
  void flush();
  // Overwrites bytes at an earlier offset (in the buffer if still there, else on disk).
  void patch(uint64_t offset, std::string_view bytes);
  // Deflates `in` (level 1) into m_probe; returns the compressed size, 0 when not worth it.
  size_t deflate_whole(std::string_view in);
  void ensure_probe(size_t size);
  // Deflates the rest of a large file (its first `first` bytes are in m_read) into the entry's
  // data; sets its size, compressed size and CRC.
  void deflate_in_pieces(Entry& e, int in, const std::string& what, size_t first);

  int m_fd;
  bool m_use_igzip;
  uint64_t m_offset = 0;       // bytes of the archive so far (flushed + buffered)
  uint64_t m_flushed = 0;      // bytes already written to m_fd
  std::string m_buffer;        // unflushed output
  std::string m_central;       // the central directory, built as entries complete
  uint64_t m_entries = 0;
  std::unique_ptr<Deflater> m_deflater;
  std::unique_ptr<char[]> m_read;
  std::unique_ptr<char[]> m_probe;
  size_t m_probe_capacity = 0;
  std::vector<Pending> m_batch;
  size_t m_batch_bytes = 0;
  std::vector<Pending> m_inflight;
  std::atomic<size_t> m_next_pending{0};
  std::thread m_helper;
  std::exception_ptr m_helper_error;
  std::unique_ptr<Deflater> m_helper_deflater; // used only by the helper thread
  std::unique_ptr<DeflatePieces> m_pieces;      // large files, made on the first
  std::vector<std::unique_ptr<char[]>> m_piece_in;
  std::vector<std::string_view> m_piece_out;
};

} // namespace ansible_runner::stream
