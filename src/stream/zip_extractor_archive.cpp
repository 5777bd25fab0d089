#include "stream/zip_extractor_archive.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>
#include <zlib.h>

#include "stream/stream_error.hpp"
#include "stream/zip_records.hpp"

namespace ansible_runner::stream {
namespace {

constexpr size_t k_chunk = 64 * 1024;
// Reads smaller than a chunk go through a window of this size (ZipArchiveReader::read_at).
constexpr size_t k_window = 256 * 1024;
constexpr size_t k_end_record = 22;
constexpr size_t k_zip64_locator = 20;
constexpr size_t k_zip64_end_record = 56;
constexpr size_t k_central_header = 46;
constexpr size_t k_local_header = 30;
constexpr uint32_t k_max32 = 0xFFFFFFFFu;

uint16_t get16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(u[0] | (u[1] << 8));
}
uint32_t get32(const char* p) { return get16(p) | static_cast<uint32_t>(get16(p + 2)) << 16; }
uint64_t get64(const char* p) { return get32(p) | static_cast<uint64_t>(get32(p + 4)) << 32; }

[[noreturn]] void invalid(const std::string& why) {
  throw StreamError("the zip payload is not a valid zip archive: " + why);
}

[[noreturn]] void corrupt(const std::string& name, const std::string& why) {
  throw StreamError("zip entry '" + name + "': corrupt data: " + why);
}

// Inflates a whole deflate stream whose output must be exactly `size` bytes (bytes after the
// end of the stream are ignored, as zlib's streaming path does).
void inflate_whole(libdeflate_decompressor* decompressor, const std::string& name, std::string_view raw, char* out,
                   size_t size) {
  size_t in_used = 0;
  size_t out_size = 0;
  if (libdeflate_deflate_decompress_ex(decompressor, raw.data(), raw.size(), out, size, &in_used, &out_size) !=
          LIBDEFLATE_SUCCESS ||
      out_size != size) {
    corrupt(name, "invalid deflate data or a size that is not the declared one");
  }
}

// The DOS date and time as local time, as mktime() with tm_isdst -1 (Python's
// time.mktime(date_time + (0, 0, -1)), which the reference uses) gives it. glibc's mktime
// stats the zone file on every call, one syscall per entry; localtime_r reads it once. So the
// UTC reading of the fields is shifted by the zone's offset at that time, and mktime is asked
// only within 12 hours of a change of offset (checked against mktime for every half hour of
// 60 years in seven zones with DST changes, half-hour ones included).
time_t dos_to_time(uint16_t date, uint16_t time) {
  struct tm tm{};
  tm.tm_year = ((date >> 9) & 0x7F) + 80;
  tm.tm_mon = ((date >> 5) & 0x0F) - 1;
  tm.tm_mday = date & 0x1F;
  tm.tm_hour = (time >> 11) & 0x1F;
  tm.tm_min = (time >> 5) & 0x3F;
  tm.tm_sec = (time & 0x1F) * 2;
  tm.tm_isdst = -1;
  struct tm fields = tm;
  const time_t as_utc = ::timegm(&fields);
  struct tm local{};
  if (as_utc != -1 && ::localtime_r(&as_utc, &local)) {
    const time_t guess = as_utc - local.tm_gmtoff;
    if (::localtime_r(&guess, &local) && guess + local.tm_gmtoff == as_utc && local.tm_mday == tm.tm_mday &&
        local.tm_mon == tm.tm_mon && local.tm_year == tm.tm_year && local.tm_hour == tm.tm_hour &&
        local.tm_min == tm.tm_min && local.tm_sec == tm.tm_sec) {
      // Near a change of offset the same fields may name two instants (or none), and mktime's
      // choice decides: only the same offset 12 hours either side makes the guess the answer.
      const long offset = local.tm_gmtoff;
      const time_t before = guess - 43200;
      const time_t after = guess + 43200;
      if (::localtime_r(&before, &local) && local.tm_gmtoff == offset && ::localtime_r(&after, &local) &&
          local.tm_gmtoff == offset) {
        return guess;
      }
    }
  }
  return std::mktime(&tm);
}

} // namespace

// Entries that fit in one chunk both ways are inflated whole by libdeflate (~3x faster than
// zlib); larger ones are streamed through zlib.
struct ZipArchiveReader::Inflater {
  z_stream z{};
  libdeflate_decompressor* whole = nullptr;
  Inflater() : whole(libdeflate_alloc_decompressor()) {
    if (!whole || inflateInit2(&z, -15) != Z_OK) {
      libdeflate_free_decompressor(whole);
      throw StreamError("cannot initialise zlib");
    }
  }
  ~Inflater() {
    inflateEnd(&z);
    libdeflate_free_decompressor(whole);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
};

ZipArchiveReader::ZipArchiveReader(int fd) : m_fd(fd) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    throw StreamError(std::string("cannot read the zip payload: ") + std::strerror(errno));
  }
  m_file_size = static_cast<uint64_t>(st.st_size);
  if (m_file_size < k_end_record) {
    invalid("too short");
  }
  // The end record is in the last 22 bytes plus a comment of up to 64 KB.
  size_t tail_size = static_cast<size_t>(std::min<uint64_t>(m_file_size, k_end_record + 0xFFFF));
  std::string tail(tail_size, '\0');
  uint64_t tail_start = m_file_size - tail_size;
  read_at(tail_start, tail.data(), tail_size);
  size_t end = std::string::npos;
  for (size_t i = tail_size - k_end_record + 1; i-- > 0;) {
    if (get32(tail.data() + i) == 0x06054b50 && i + k_end_record + get16(tail.data() + i + 20) == tail_size) {
      end = i;
      break;
    }
  }
  if (end == std::string::npos) {
    invalid("no end of central directory record");
  }
  const char* e = tail.data() + end;
  if (get16(e + 4) != 0 || get16(e + 6) != 0 || get16(e + 8) != get16(e + 10)) {
    invalid("multi-disk archives are not supported");
  }
  uint64_t count = get16(e + 10);
  uint64_t central_size = get32(e + 12);
  uint64_t central_offset = get32(e + 16);
  uint64_t end_offset = tail_start + end;
  uint64_t central_end = end_offset;
  if (end_offset >= k_zip64_locator) {
    char locator[k_zip64_locator];
    read_at(end_offset - k_zip64_locator, locator, sizeof locator);
    if (get32(locator) == 0x07064b50) {
      uint64_t record_offset = get64(locator + 8);
      if (record_offset > end_offset - k_zip64_locator - k_zip64_end_record) {
        invalid("bad zip64 end record offset");
      }
      char record[k_zip64_end_record];
      read_at(record_offset, record, sizeof record);
      if (get32(record) != 0x06064b50) {
        invalid("bad zip64 end record");
      }
      count = get64(record + 32);
      central_size = get64(record + 40);
      central_offset = get64(record + 48);
      central_end = record_offset;
    }
  }
  if (central_offset > central_end || central_size != central_end - central_offset) {
    invalid("the central directory is not where the end record says");
  }
  if (count > central_size / k_central_header) {
    invalid("more entries announced than the central directory holds");
  }
  m_count = count;
  m_central_offset = central_offset;
  m_central.resize(static_cast<size_t>(central_size));
  read_at(central_offset, m_central.data(), m_central.size());
}

ZipArchiveReader::~ZipArchiveReader() = default;

void ZipArchiveReader::for_each_name(const std::function<bool(std::string_view, bool)>& visit) const {
  for (size_t pos = 0; m_central.size() - pos >= k_central_header;) {
    const char* h = m_central.data() + pos;
    size_t name_len = get16(h + 28);
    size_t record = k_central_header + name_len + get16(h + 30) + get16(h + 32);
    if (get32(h) != 0x02014b50 || m_central.size() - pos < record) {
      break;
    }
    std::string_view name(h + k_central_header, name_len);
    bool directory = name.ends_with('/') || ((get32(h + 38) >> 16) & S_IFMT) == S_IFDIR;
    if (!visit(name, directory)) {
      break;
    }
    pos += record;
  }
}

void ZipArchiveReader::read_at(uint64_t offset, char* buf, size_t size) {
  if (size == 0) {
    return;
  }
  if (size >= k_chunk) { // large entries' chunks: a copy through the window would cost more
    read_direct(offset, buf, size);
    return;
  }
  if (offset < m_window_offset || offset - m_window_offset > m_window_size ||
      m_window_size - (offset - m_window_offset) < size) {
    if (offset >= m_file_size || m_file_size - offset < size) {
      invalid("truncated");
    }
    if (!m_window) {
      m_window.reset(new char[k_window]);
    }
    m_window_size = 0; // unusable until the read below succeeds
    const size_t fill = static_cast<size_t>(std::min<uint64_t>(k_window, m_file_size - offset));
    read_direct(offset, m_window.get(), fill);
    m_window_offset = offset;
    m_window_size = fill;
  }
  std::memcpy(buf, m_window.get() + (offset - m_window_offset), size);
}

void ZipArchiveReader::read_direct(uint64_t offset, char* buf, size_t size) const {
  while (size > 0) {
    ssize_t n = ::pread(m_fd, buf, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      throw StreamError(std::string("cannot read the zip payload: ") + std::strerror(errno));
    }
    if (n == 0) {
      invalid("truncated");
    }
    buf += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

bool ZipArchiveReader::next(ZipEntryInfo& entry) {
  if (m_seen == m_count) {
    if (m_pos != m_central.size()) {
      invalid("the central directory has more records than announced");
    }
    return false;
  }
  if (m_central.size() - m_pos < k_central_header) {
    invalid("truncated central directory");
  }
  const char* h = m_central.data() + m_pos;
  if (get32(h) != 0x02014b50) {
    invalid("bad central directory record #" + std::to_string(m_seen));
  }
  size_t name_len = get16(h + 28);
  size_t extra_len = get16(h + 30);
  size_t comment_len = get16(h + 32);
  size_t record = k_central_header + name_len + extra_len + comment_len;
  if (m_central.size() - m_pos < record) {
    invalid("truncated central directory");
  }
  entry.flags = get16(h + 8);
  entry.method = get16(h + 10);
  entry.mtime = dos_to_time(get16(h + 14), get16(h + 12));
  entry.crc = get32(h + 16);
  entry.compressed = get32(h + 20);
  entry.size = get32(h + 24);
  entry.attributes = get32(h + 38);
  entry.local_offset = get32(h + 42);
  entry.name.assign(h + k_central_header, name_len);
  if (entry.name.find('\0') != std::string::npos) {
    invalid("an entry name contains a NUL byte");
  }
  // Zip64 extra field: the 64-bit values of the fields that are all ones, in this order.
  const char* extra = h + k_central_header + name_len;
  for (size_t i = 0; i + 4 <= extra_len;) {
    uint16_t id = get16(extra + i);
    size_t len = get16(extra + i + 2);
    if (i + 4 + len > extra_len) {
      break;
    }
    if (id == 0x0001) {
      const char* f = extra + i + 4;
      size_t left = len;
      for (uint64_t* field : {&entry.size, &entry.compressed, &entry.local_offset}) {
        if (*field == k_max32) {
          if (left < 8) {
            invalid("short zip64 field of " + entry.name);
          }
          *field = get64(f);
          f += 8;
          left -= 8;
        }
      }
    }
    i += 4 + len;
  }
  m_pos += record;
  ++m_seen;
  return true;
}

uint64_t ZipArchiveReader::locate(const ZipEntryInfo& entry) {
  const std::string& name = entry.name;
  if (entry.local_offset > m_central_offset || m_central_offset - entry.local_offset < k_local_header) {
    invalid("the local header of '" + name + "' is outside the archive");
  }
  char h[k_local_header];
  read_at(entry.local_offset, h, sizeof h);
  if (get32(h) != 0x04034b50) {
    invalid("bad local header of '" + name + "'");
  }
  size_t name_len = get16(h + 26);
  size_t extra_len = get16(h + 28);
  uint64_t data = entry.local_offset + k_local_header + name_len + extra_len;
  if (data > m_central_offset || m_central_offset - data < entry.compressed) {
    invalid("the data of '" + name + "' is outside the archive");
  }
  if (name_len != name.size()) {
    invalid("local and central names of '" + name + "' differ");
  }
  std::string local_name(name_len, '\0');
  read_at(entry.local_offset + k_local_header, local_name.data(), name_len);
  if (local_name != name) {
    invalid("local and central names of '" + name + "' differ");
  }
  if (entry.method != k_zip_method_store && entry.method != k_zip_method_deflate) {
    throw StreamError("zip entry '" + name + "': compression method " + std::to_string(entry.method) +
                      " is not supported");
  }
  return data;
}

std::string ZipArchiveReader::read_raw(const ZipEntryInfo& entry, uint64_t data) {
  std::string raw(static_cast<size_t>(entry.compressed), '\0');
  read_at(data, raw.data(), raw.size());
  return raw;
}

std::string_view decode_whole_entry(const std::string& name, const ZipEntryCheck& check, std::string_view raw,
                                    std::string& out) {
  std::string_view content = raw;
  if (check.method == k_zip_method_store) {
    if (raw.size() != check.size) {
      corrupt(name, "a stored entry whose sizes differ");
    }
  } else {
    using Decompressor = std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)>;
    thread_local Decompressor decompressor(nullptr, &libdeflate_free_decompressor);
    if (!decompressor) {
      decompressor.reset(libdeflate_alloc_decompressor());
      if (!decompressor) {
        throw StreamError("cannot allocate a decompressor");
      }
    }
    out.resize(static_cast<size_t>(check.size));
    inflate_whole(decompressor.get(), name, raw, out.data(), out.size());
    content = out;
  }
  if (libdeflate_crc32(0, content.data(), content.size()) != check.crc) {
    corrupt(name, "CRC mismatch");
  }
  return content;
}

void ZipArchiveReader::read(const ZipEntryInfo& entry, uint64_t data,
                            const std::function<void(std::string_view)>& sink) {
  const std::string& name = entry.name;
  if (!m_in) {
    m_in.reset(new char[k_chunk]);
  }

  uint32_t crc = 0;
  uint64_t produced = 0;
  auto deliver = [&](const char* p, size_t n) {
    produced += n;
    if (produced > entry.size) {
      corrupt(name, "more data than its declared size");
    }
    crc = libdeflate_crc32(crc, p, n);
    sink(std::string_view(p, n));
  };

  uint64_t left = entry.compressed;
  uint64_t offset = data;
  if (entry.method == k_zip_method_store) {
    if (entry.compressed != entry.size) {
      corrupt(name, "a stored entry whose sizes differ");
    }
    while (left > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, k_chunk));
      read_at(offset, m_in.get(), n);
      offset += n;
      left -= n;
      deliver(m_in.get(), n);
    }
  } else {
    if (!m_inflater) {
      m_inflater = std::make_unique<Inflater>();
      m_out.reset(new char[k_chunk]);
    }
    if (left <= k_chunk && entry.size <= k_chunk) {
      size_t n = static_cast<size_t>(left);
      read_at(offset, m_in.get(), n);
      inflate_whole(m_inflater->whole, name, std::string_view(m_in.get(), n), m_out.get(),
                    static_cast<size_t>(entry.size));
      deliver(m_out.get(), static_cast<size_t>(entry.size));
      left = 0;
    }
    z_stream& z = m_inflater->z;
    inflateReset(&z);
    int rc = left == 0 ? Z_STREAM_END : Z_OK;
    while (rc != Z_STREAM_END) {
      if (z.avail_in == 0) {
        if (left == 0) {
          corrupt(name, "the deflate stream is truncated");
        }
        size_t n = static_cast<size_t>(std::min<uint64_t>(left, k_chunk));
        read_at(offset, m_in.get(), n);
        offset += n;
        left -= n;
        z.next_in = reinterpret_cast<Bytef*>(m_in.get());
        z.avail_in = static_cast<uInt>(n);
      }
      z.next_out = reinterpret_cast<Bytef*>(m_out.get());
      z.avail_out = static_cast<uInt>(k_chunk);
      rc = inflate(&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) {
        corrupt(name, z.msg ? z.msg : "inflate failed");
      }
      deliver(m_out.get(), k_chunk - z.avail_out);
    }
    z.avail_in = 0;
  }
  if (produced != entry.size) {
    corrupt(name, "its size is not the declared size");
  }
  if (crc != entry.crc) {
    corrupt(name, "CRC mismatch");
  }
}

} // namespace ansible_runner::stream
