#pragma once
// Names in one zip archive that contradict each other (docs/security.md, "archives"): two
// entries with the same name (zip readers differ in which one they keep), or one path named both
// as a file and as a directory ("d" and "d/", or "d" and "d/x"), where unpacking would drop one
// of them without a word. Linear in the total length of the names: each path component is
// hashed once, keyed by the node of its parent directory.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace ansible_runner::stream {

class ZipNameCheck {
public:
  ZipNameCheck();

  // Adds the next entry; returns what is wrong with it given the entries before it, if
  // anything. `name` must stay valid as long as this object (a view into the central directory).
  std::optional<std::string> add(std::string_view name, bool directory);

  // True when two entries so far name the same file under two spellings ("a", "./a"): the
  // later one must be written last.
  bool repeats_a_file() const { return m_repeats_a_file; }

private:
  // One path component below a parent node, in an open-addressing table (linear probing, at
  // most half full): one cache line per lookup where a node-based map would chase three
  // pointers, which is what dominates on archives with millions of components.
  struct Slot {
    uint64_t hash = 0;
    const char* text = nullptr; // nullptr: empty slot
    uint32_t size = 0;
    uint32_t parent = 0;
    uint32_t node = 0;
  };
  enum : uint8_t { k_file = 1, k_directory = 2 };

  uint32_t node(uint32_t parent, std::string_view component);
  void grow();

  std::unordered_set<std::string_view> m_names;
  bool m_repeats_a_file = false;
  std::vector<Slot> m_slots;
  size_t m_used = 0;
  std::vector<uint8_t> m_kinds; // per node: k_file and/or k_directory; node 0 is the root
};

} // namespace ansible_runner::stream
