#include "stream/igzip.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <zlib.h>

#include "stream_test_util.hpp"

using ansible_runner::stream::Igzip;
using ansible_runner::test::text_of;

namespace {

// zlib's inflate of one complete raw deflate stream; nullopt when it is not one.
std::optional<std::string> inflate_raw(const std::string& in, size_t size) {
  z_stream z{};
  inflateInit2(&z, -15);
  std::string out(size + 1, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  return whole ? std::optional<std::string>(out) : std::nullopt;
}

} // namespace

TEST(Igzip, LoadedWhereverThisBuildHasItsHeader) {
#ifdef AR_HAVE_IGZIP
  // scripts/install-deps.sh installs libisal-dev, whose header this build found: the library
  // is there too, and a build that silently fell back to libdeflate would hide it.
  ASSERT_NE(Igzip::load(), nullptr);
#else
  EXPECT_EQ(Igzip::load(), nullptr);
#endif
}

TEST(Igzip, DeflatesToARawStreamThatInflatesBackOrSaysItDoesNotFit) {
  const Igzip* igzip = Igzip::load();
  if (!igzip) {
    GTEST_SKIP() << "built without the igzip header";
  }
  Igzip::Scratch scratch;
  for (size_t size : {size_t(1), size_t(100), size_t(2500), size_t(65535)}) {
    const std::string in = text_of(size, 7);
    std::string out(size + 64, '\0');
    size_t n = igzip->deflate(in, out.data(), out.size(), scratch);
    ASSERT_GT(n, 0u) << size;
    out.resize(n);
    EXPECT_EQ(inflate_raw(out, size), in) << size;
    // Reused scratch, and a limit the stream does not fit in.
    std::string small(n - 1, '\0');
    EXPECT_EQ(igzip->deflate(in, small.data(), small.size(), scratch), 0u) << size;
  }
  std::string out(16, '\0');
  EXPECT_EQ(igzip->deflate("", out.data(), 0, scratch), 0u);
}
