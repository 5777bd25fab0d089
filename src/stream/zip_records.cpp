#include "stream/zip_records.hpp"

namespace ansible_runner::stream {
namespace {

constexpr uint16_t k_flag_utf8 = 0x800;
constexpr uint16_t k_unix = 3; // "version made by" host: Unix, so readers use the mode bits
constexpr uint16_t k_version_default = 20;
constexpr uint16_t k_version_zip64 = 45;
constexpr uint32_t k_max32 = 0xFFFFFFFFu;
constexpr uint64_t k_max_entries16 = 0xFFFF;

void put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
void put32(std::string& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v & 0xFFFF));
  put16(out, static_cast<uint16_t>(v >> 16));
}
void put64(std::string& out, uint64_t v) {
  put32(out, static_cast<uint32_t>(v & k_max32));
  put32(out, static_cast<uint32_t>(v >> 32));
}
uint32_t clamp32(uint64_t v) { return v >= k_max32 ? k_max32 : static_cast<uint32_t>(v); }

} // namespace

uint16_t zip_name_flags(const std::string& name) {
  for (unsigned char c : name) {
    if (c >= 0x80) {
      return k_flag_utf8;
    }
  }
  return 0;
}

uint32_t dos_date_time(time_t t) {
  struct tm tm{};
  if (!::localtime_r(&t, &tm) || tm.tm_year + 1900 < 1980) {
    return (1u << 5 | 1u) << 16; // 1980-01-01 00:00
  }
  auto date = static_cast<uint32_t>(((tm.tm_year + 1900 - 1980) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
  auto time = static_cast<uint32_t>((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
  return date << 16 | time;
}

std::string zip_local_header(const ZipRecord& e, bool zip64) {
  std::string h;
  h.reserve(30 + e.name.size() + 20);
  put32(h, 0x04034b50);
  put16(h, zip64 ? k_version_zip64 : k_version_default);
  put16(h, e.flags);
  put16(h, e.method);
  put32(h, e.dos_time);
  put32(h, e.crc);
  put32(h, zip64 ? k_max32 : static_cast<uint32_t>(e.compressed));
  put32(h, zip64 ? k_max32 : static_cast<uint32_t>(e.size));
  put16(h, static_cast<uint16_t>(e.name.size()));
  put16(h, zip64 ? 20 : 0);
  h += e.name;
  if (zip64) {
    put16(h, 0x0001);
    put16(h, 16);
    put64(h, e.size);
    put64(h, e.compressed);
  }
  return h;
}

std::string zip_local_crc_and_sizes(const ZipRecord& e, bool zip64) {
  std::string fields;
  put32(fields, e.crc);
  if (!zip64) {
    put32(fields, static_cast<uint32_t>(e.compressed));
    put32(fields, static_cast<uint32_t>(e.size));
  }
  return fields;
}

size_t zip64_local_sizes_at(const ZipRecord& e) { return 30 + e.name.size() + 4; }

std::string zip64_local_sizes(const ZipRecord& e) {
  std::string sizes;
  put64(sizes, e.size);
  put64(sizes, e.compressed);
  return sizes;
}

void append_central_record(std::string& c, const ZipRecord& e, uint64_t header_offset, bool zip64_local) {
  bool big = e.size >= k_max32 || e.compressed >= k_max32 || header_offset >= k_max32;
  std::string extra;
  if (big) {
    put16(extra, 0x0001);
    std::string fields;
    if (e.size >= k_max32) {
      put64(fields, e.size);
    }
    if (e.compressed >= k_max32) {
      put64(fields, e.compressed);
    }
    if (header_offset >= k_max32) {
      put64(fields, header_offset);
    }
    put16(extra, static_cast<uint16_t>(fields.size()));
    extra += fields;
  }
  uint16_t version = big || zip64_local ? k_version_zip64 : k_version_default;
  put32(c, 0x02014b50);
  put16(c, static_cast<uint16_t>(k_unix << 8 | version));
  put16(c, version);
  put16(c, e.flags);
  put16(c, e.method);
  put32(c, e.dos_time);
  put32(c, e.crc);
  put32(c, clamp32(e.compressed));
  put32(c, clamp32(e.size));
  put16(c, static_cast<uint16_t>(e.name.size()));
  put16(c, static_cast<uint16_t>(extra.size()));
  put16(c, 0); // comment
  put16(c, 0); // disk
  put16(c, 0); // internal attributes
  put32(c, e.attributes);
  put32(c, clamp32(header_offset));
  c += e.name;
  c += extra;
}

std::string zip_end_records(uint64_t entries, uint64_t central_offset, uint64_t central_size,
                            uint64_t zip64_end_offset) {
  std::string end;
  if (entries > k_max_entries16 || central_offset >= k_max32 || central_size >= k_max32) {
    put32(end, 0x06064b50);
    put64(end, 44);
    put16(end, static_cast<uint16_t>(k_unix << 8 | k_version_zip64));
    put16(end, k_version_zip64);
    put32(end, 0);
    put32(end, 0);
    put64(end, entries);
    put64(end, entries);
    put64(end, central_size);
    put64(end, central_offset);
    put32(end, 0x07064b50);
    put32(end, 0);
    put64(end, zip64_end_offset);
    put32(end, 1);
  }
  auto count16 = static_cast<uint16_t>(entries > k_max_entries16 ? k_max_entries16 : entries);
  put32(end, 0x06054b50);
  put16(end, 0);
  put16(end, 0);
  put16(end, count16);
  put16(end, count16);
  put32(end, clamp32(central_size));
  put32(end, clamp32(central_offset));
  put16(end, 0); // comment
  return end;
}

} // namespace ansible_runner::stream
