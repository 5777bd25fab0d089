#pragma once
// Deflate of whole small buffers with ISA-L's igzip (Debian's libisal2), when it is installed.
// On a project's small files it takes about 30% less CPU than libdeflate level 1 for a stream
// about 3% larger (bench/FINDINGS.md, "Transmit of many small files"). It is loaded on first use
// with dlopen: Debian ships it only as a shared library, and linking one more shared library
// costs every start of the executable (--version included) about 6%.
#include <cstddef>
#include <memory>
#include <string_view>

namespace ansible_runner::stream {

class Igzip {
public:
  // The loaded library, or nullptr when it is not installed (or this build has no header).
  static const Igzip* load();

  // Compression state: one per thread.
  class Scratch {
  public:
    Scratch();
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

  private:
    friend class Igzip;
    struct State;
    std::unique_ptr<State> m_state;
  };

  // Raw deflate of `in` (level 1) into `out`; returns its size, or 0 when it needs more than
  // `limit` bytes.
  size_t deflate(std::string_view in, char* out, size_t limit, Scratch& scratch) const;

private:
  Igzip(void* init, void* deflate) : m_init(init), m_deflate(deflate) {}
  void* m_init;    // isal_deflate_stateless_init
  void* m_deflate; // isal_deflate_stateless
};

} // namespace ansible_runner::stream
