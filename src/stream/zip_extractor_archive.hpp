#pragma once
// Reading side of the zip format for the extractor: the central directory of an archive in an
// fd, and each entry's data (stored or deflated) with its CRC and size checked. Positional reads
// only, so entries cost one header read plus their data; one inflate state serves all entries.
// Anything inconsistent (bad signatures, ranges outside the archive, a local name that differs
// from the central one, unknown methods) throws StreamError.
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ansible_runner::stream {

struct ZipEntryInfo {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t compressed = 0;
  uint64_t size = 0;
  uint64_t local_offset = 0;
  uint32_t attributes = 0; // external attributes (Unix mode in the high 16 bits)
  time_t mtime = 0;        // from the DOS date and time, as local time

  bool encrypted() const { return (flags & 1) != 0; }
};

class ZipArchiveReader {
public:
  // Reads the end record and the central directory. Throws StreamError.
  explicit ZipArchiveReader(int fd);
  ~ZipArchiveReader();
  ZipArchiveReader(const ZipArchiveReader&) = delete;
  ZipArchiveReader& operator=(const ZipArchiveReader&) = delete;

  uint64_t entry_count() const { return m_count; }

  // Calls visit(name, is_directory) for each central directory record in order until it
  // returns false, before anything is unpacked (the name views live as long as this reader).
  // Records it cannot parse end the walk; next() reports them.
  void for_each_name(const std::function<bool(std::string_view, bool)>& visit) const;

  // The next central directory entry; false after the last one.
  bool next(ZipEntryInfo& entry);

  // Checks the entry's local header and method; returns the offset of its data. Throws
  // StreamError, so a caller can check an entry before creating anything for it.
  uint64_t locate(const ZipEntryInfo& entry);

  // Passes the decoded bytes of the entry whose data is at `data` (from locate()) to `sink` in
  // chunks of at most 64 KB. Throws StreamError on corrupt data (CRC, size, inflate errors)
  // before the sink sees bytes past the declared size.
  void read(const ZipEntryInfo& entry, uint64_t data, const std::function<void(std::string_view)>& sink);

  // The raw bytes (stored or deflated) of the entry whose data is at `data`, for
  // decode_whole_entry() to decode, on any thread. For small entries: the whole of it is held.
  std::string read_raw(const ZipEntryInfo& entry, uint64_t data);

private:
  struct Inflater;

  // Reads `size` bytes at `offset`: small reads are served from a window of the file, since
  // the entries lie one after another and one pread then serves many of them.
  void read_at(uint64_t offset, char* buf, size_t size);
  void read_direct(uint64_t offset, char* buf, size_t size) const;

  int m_fd;
  uint64_t m_file_size = 0;
  uint64_t m_count = 0;
  uint64_t m_central_offset = 0;
  std::string m_central;
  size_t m_pos = 0;
  uint64_t m_seen = 0;
  std::unique_ptr<Inflater> m_inflater;
  std::unique_ptr<char[]> m_in;
  std::unique_ptr<char[]> m_out;
  std::unique_ptr<char[]> m_window;
  uint64_t m_window_offset = 0;
  size_t m_window_size = 0;
};

// What decode_whole_entry() checks an entry's bytes against.
struct ZipEntryCheck {
  uint16_t method = 0;
  uint64_t size = 0;
  uint32_t crc = 0;
};

// The content of a whole entry from its raw bytes (ZipArchiveReader::read_raw), with the checks
// read() makes (method, exactly the declared size, CRC); `name` is for messages. A deflated entry
// is inflated into `out`, a stored one is `raw` itself. Safe on any thread: each thread keeps one
// decompressor. Throws StreamError.
std::string_view decode_whole_entry(const std::string& name, const ZipEntryCheck& check, std::string_view raw,
                                    std::string& out);

} // namespace ansible_runner::stream
