#pragma once
// The zip format's records as bytes: an entry's local header and central directory record, and
// the end records, with zip64 fields where sizes, offsets or the entry count need them. Pure
// encoding: ZipFormatWriter decides what goes where and when.
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>

namespace ansible_runner::stream {

constexpr uint16_t k_zip_method_store = 0;
constexpr uint16_t k_zip_method_deflate = 8;

// What the records say of one entry.
struct ZipRecord {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = k_zip_method_store;
  uint32_t dos_time = 0;
  uint32_t crc = 0;
  uint64_t compressed = 0;
  uint64_t size = 0;
  uint32_t attributes = 0; // external attributes (Unix mode in the high 16 bits)
};

// The general-purpose flags for `name`: Python's zipfile marks names that are not ASCII as UTF-8.
uint16_t zip_name_flags(const std::string& name);

// The DOS date (high 16 bits) and time (low 16 bits) of `t` in local time.
uint32_t dos_date_time(time_t t);

// The local header; with `zip64` its sizes are in a zip64 extra field (all ones in the header).
std::string zip_local_header(const ZipRecord& record, bool zip64);

// For an entry streamed before its CRC and sizes were known: the local header's bytes from
// offset k_zip_local_crc_at (the CRC and, without zip64, the two sizes) and, with zip64, the
// extra field's sizes, which go at zip64_local_sizes_at().
constexpr size_t k_zip_local_crc_at = 14;
std::string zip_local_crc_and_sizes(const ZipRecord& record, bool zip64);
size_t zip64_local_sizes_at(const ZipRecord& record);
std::string zip64_local_sizes(const ZipRecord& record);

// Appends the entry's central directory record to `central`; `zip64_local`: its local header
// was written with zip64 sizes.
void append_central_record(std::string& central, const ZipRecord& record, uint64_t header_offset, bool zip64_local);

// The end of central directory record, preceded by the zip64 end record and locator (at
// `zip64_end_offset`) when the count, the offset or the size needs them.
std::string zip_end_records(uint64_t entries, uint64_t central_offset, uint64_t central_size,
                            uint64_t zip64_end_offset);

} // namespace ansible_runner::stream
