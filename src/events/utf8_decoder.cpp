#include "events/utf8_decoder.hpp"

#include <cstdint>
#include <cstring>

namespace ansible_runner::events {
namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

// Length of the sequence a lead byte starts, 0 if it cannot start one.
int sequence_length(unsigned char lead) {
  if (lead < 0x80) {
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    return 4;
  }
  return 0;
}

// Whether `byte` may follow `lead` as the second byte (the first continuation byte has
// narrower ranges for some leads: no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_second(unsigned char lead, unsigned char byte) {
  switch (lead) {
  case 0xE0: return byte >= 0xA0 && byte <= 0xBF;
  case 0xED: return byte >= 0x80 && byte <= 0x9F;
  case 0xF0: return byte >= 0x90 && byte <= 0xBF;
  case 0xF4: return byte >= 0x80 && byte <= 0x8F;
  default: return byte >= 0x80 && byte <= 0xBF;
  }
}

enum class Scan { complete, truncated, invalid };

// Checks the sequence at data[i]; `used` gets how many bytes were valid so far.
Scan scan_sequence(std::string_view data, size_t i, int length, size_t& used) {
  auto lead = static_cast<unsigned char>(data[i]);
  used = 1;
  for (int k = 1; k < length; ++k) {
    if (i + static_cast<size_t>(k) >= data.size()) {
      return Scan::truncated;
    }
    auto byte = static_cast<unsigned char>(data[i + static_cast<size_t>(k)]);
    bool ok = k == 1 ? valid_second(lead, byte) : (byte >= 0x80 && byte <= 0xBF);
    if (!ok) {
      return Scan::invalid;
    }
    ++used;
  }
  return Scan::complete;
}

} // namespace

void Utf8Decoder::decode(std::string_view bytes, std::string& out) {
  std::string joined;
  std::string_view data = bytes;
  if (!m_pending.empty()) {
    joined = m_pending;
    joined.append(bytes);
    m_pending.clear();
    data = joined;
  }
  out.reserve(out.size() + data.size());
  size_t i = 0;
  size_t run_start = 0; // start of a run of ASCII / valid bytes copied in one go
  while (i < data.size()) {
    // ASCII eight bytes at a time: most output is ASCII.
    while (i + 8 <= data.size()) {
      uint64_t word;
      std::memcpy(&word, data.data() + i, sizeof word);
      if (word & 0x8080808080808080ull) {
        break;
      }
      i += 8;
    }
    if (i >= data.size()) {
      break;
    }
    auto c = static_cast<unsigned char>(data[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int length = sequence_length(c);
    if (length == 0) {
      out.append(data.substr(run_start, i - run_start));
      out.append(k_replacement);
      ++i;
      run_start = i;
      continue;
    }
    size_t used = 0;
    switch (scan_sequence(data, i, length, used)) {
    case Scan::complete: i += used; break;
    case Scan::truncated:
      out.append(data.substr(run_start, i - run_start));
      m_pending.assign(data.substr(i));
      return;
    case Scan::invalid:
      out.append(data.substr(run_start, i - run_start));
      out.append(k_replacement);
      i += used;
      run_start = i;
      break;
    }
  }
  out.append(data.substr(run_start));
}

void Utf8Decoder::finish(std::string& out) {
  if (!m_pending.empty()) {
    out.append(k_replacement);
    m_pending.clear();
  }
}

} // namespace ansible_runner::events
