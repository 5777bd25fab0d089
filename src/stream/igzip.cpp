#include "stream/igzip.hpp"

#include <algorithm>
#include <cstdint>
#include <dlfcn.h>
#include <limits>
#include <vector>

#ifdef AR_HAVE_IGZIP
#include <isa-l/igzip_lib.h>
#endif

namespace ansible_runner::stream {

#ifdef AR_HAVE_IGZIP

struct Igzip::Scratch::State {
  isal_zstream stream{};
  std::vector<uint8_t> level_buf = std::vector<uint8_t>(ISAL_DEF_LVL1_DEFAULT);
};

Igzip::Scratch::Scratch() : m_state(std::make_unique<State>()) {}

const Igzip* Igzip::load() {
  static const Igzip* loaded = []() -> const Igzip* {
    // The soname of the ABI this build's header describes.
    void* library = ::dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      return nullptr;
    }
    void* init = ::dlsym(library, "isal_deflate_stateless_init");
    void* deflate = ::dlsym(library, "isal_deflate_stateless");
    if (!init || !deflate) {
      ::dlclose(library);
      return nullptr;
    }
    return new Igzip(init, deflate);
  }();
  return loaded;
}

size_t Igzip::deflate(std::string_view in, char* out, size_t limit, Scratch& scratch) const {
  constexpr size_t k_max = std::numeric_limits<uint32_t>::max();
  if (in.size() > k_max || limit == 0) {
    return 0;
  }
  Scratch::State& state = *scratch.m_state;
  isal_zstream& s = state.stream;
  reinterpret_cast<void (*)(isal_zstream*)>(m_init)(&s);
  s.level = 1;
  s.level_buf = state.level_buf.data();
  s.level_buf_size = static_cast<uint32_t>(state.level_buf.size());
  s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uint32_t>(in.size());
  s.next_out = reinterpret_cast<uint8_t*>(out);
  s.avail_out = static_cast<uint32_t>(std::min(limit, k_max));
  s.end_of_stream = 1;
  s.flush = NO_FLUSH;
  s.gzip_flag = IGZIP_DEFLATE;
  return reinterpret_cast<int (*)(isal_zstream*)>(m_deflate)(&s) == COMP_OK ? s.total_out : 0;
}

#else

struct Igzip::Scratch::State {};
Igzip::Scratch::Scratch() = default;
const Igzip* Igzip::load() { return nullptr; }
size_t Igzip::deflate(std::string_view, char*, size_t, Scratch&) const { return 0; }

#endif

Igzip::Scratch::~Scratch() = default;

} // namespace ansible_runner::stream
