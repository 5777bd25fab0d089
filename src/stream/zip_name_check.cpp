#include "stream/zip_name_check.hpp"

#include <functional>

#include "util/excerpt.hpp"

namespace ansible_runner::stream {

ZipNameCheck::ZipNameCheck() : m_slots(64), m_kinds{k_directory} {}

uint32_t ZipNameCheck::node(uint32_t parent, std::string_view component) {
  if ((m_used + 1) * 2 > m_slots.size()) {
    grow();
  }
  uint64_t hash = std::hash<std::string_view>{}(component) ^ (parent * 0x9E3779B97F4A7C15ULL);
  size_t mask = m_slots.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& slot = m_slots[i];
    if (slot.text == nullptr) {
      slot = Slot{hash, component.data(), static_cast<uint32_t>(component.size()), parent,
                  static_cast<uint32_t>(m_kinds.size())};
      m_kinds.push_back(0);
      ++m_used;
      return slot.node;
    }
    if (slot.hash == hash && slot.parent == parent && std::string_view(slot.text, slot.size) == component) {
      return slot.node;
    }
  }
}

void ZipNameCheck::grow() {
  std::vector<Slot> old(m_slots.size() * 2);
  old.swap(m_slots);
  size_t mask = m_slots.size() - 1;
  for (const Slot& slot : old) {
    if (slot.text == nullptr) {
      continue;
    }
    size_t i = slot.hash & mask;
    while (m_slots[i].text != nullptr) {
      i = (i + 1) & mask;
    }
    m_slots[i] = slot;
  }
}

std::optional<std::string> ZipNameCheck::add(std::string_view name, bool directory) {
  if (!m_names.insert(name).second) {
    return "the zip archive has two entries named " + util::quoted_excerpt(name);
  }
  // Components as the extractor sees them: empty and "." ones dropped ("./a//b" is "a/b").
  uint32_t current = 0;
  size_t start = 0;
  bool any = false;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) {
      end = name.size();
    }
    std::string_view part = name.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") {
      continue;
    }
    if (any) {
      // The component before this one is a directory.
      if (m_kinds[current] & k_file) {
        return "the zip archive names " + util::quoted_excerpt(name.substr(0, end - part.size() - 1)) +
               " both as a file and as a directory";
      }
      m_kinds[current] |= k_directory;
    }
    current = node(current, part);
    any = true;
  }
  if (!any) {
    return std::nullopt; // "./" or "/": the target itself (or refused later as absolute)
  }
  uint8_t kind = directory ? k_directory : k_file;
  uint8_t other = directory ? k_file : k_directory;
  if (m_kinds[current] & other) {
    return "the zip archive names " + util::quoted_excerpt(name) + " both as a file and as a directory";
  }
  if (!directory && (m_kinds[current] & k_file)) {
    m_repeats_a_file = true; // the same file under another spelling ("a", "./a")
  }
  m_kinds[current] |= kind;
  return std::nullopt;
}

} // namespace ansible_runner::stream
