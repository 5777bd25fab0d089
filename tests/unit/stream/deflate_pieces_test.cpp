#include "stream/deflate_pieces.hpp"

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <optional>
#include <string>
#include <vector>
#include <zlib.h>

#include "stream_test_util.hpp"

using ansible_runner::stream::DeflatePieces;
using ansible_runner::stream::make_deflate_piece_joinable;
using ansible_runner::test::text_of;

namespace {

std::string noise_of(size_t size, unsigned seed) {
  std::string out;
  uint32_t x = seed;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1103515245u + 12345u;
    out.push_back(static_cast<char>(x >> 24));
  }
  return out;
}

std::string deflate_whole(const std::string& in) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(1);
  std::string out(libdeflate_deflate_compress_bound(c, in.size()), '\0');
  out.resize(libdeflate_deflate_compress(c, in.data(), in.size(), out.data(), out.size()));
  libdeflate_free_compressor(c);
  return out;
}

// Inflates a raw deflate stream with zlib; nullopt unless it is exactly one complete stream.
std::optional<std::string> inflate_all(const std::string& in) {
  z_stream z{};
  inflateInit2(&z, -15);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[65536];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  return whole ? std::optional<std::string>(out) : std::nullopt;
}

} // namespace

TEST(DeflatePieces, JoinedPiecesInflateToTheWholeInput) {
  // Many lengths, so that the last byte of a piece ends with every number of unused bits.
  for (size_t size = 1; size < 400; size += 7) {
    for (bool noisy : {false, true}) {
      std::string a = noisy ? noise_of(size, 1) : text_of(size, 1);
      std::string b = text_of(size * 3 + 1, 2);
      std::string piece = deflate_whole(a);
      ASSERT_TRUE(make_deflate_piece_joinable(piece)) << size;
      std::string joined = piece + deflate_whole(b);
      auto got = inflate_all(joined);
      ASSERT_TRUE(got.has_value()) << "size " << size << " noisy " << noisy;
      EXPECT_EQ(*got, a + b);
    }
  }
}

TEST(DeflatePieces, ANonFinalPieceAloneIsNotAStream) {
  std::string piece = deflate_whole(text_of(5000, 3));
  ASSERT_TRUE(make_deflate_piece_joinable(piece));
  EXPECT_FALSE(inflate_all(piece).has_value()); // no final block any more
  EXPECT_TRUE(inflate_all(piece + std::string("\x03\x00", 2)).has_value());
}

TEST(DeflatePieces, RefusesWhatIsNotOneCompleteStream) {
  std::string good = deflate_whole(text_of(100000, 4));
  for (std::string bad : {std::string(), good.substr(0, good.size() / 2), good + "x", std::string("\xff\xff\xff", 3)}) {
    std::string before = bad;
    EXPECT_FALSE(make_deflate_piece_joinable(bad));
    EXPECT_EQ(bad, before);
  }
}

TEST(DeflatePieces, RoundsOnSeveralThreadsMakeOneStream) {
  DeflatePieces pieces(3);
  ASSERT_EQ(pieces.threads(), 3u);
  std::vector<std::string> inputs = {text_of(1 << 20, 5), noise_of(300000, 6), text_of(700001, 7),
                                     text_of(1 << 20, 8), std::string(123457, 'z')};
  std::string expected;
  std::string stream;
  std::vector<std::string_view> out;
  // Two rounds: three pieces, not the last; then two, ending the stream.
  for (size_t start : {size_t{0}, size_t{3}}) {
    std::vector<std::string_view> round;
    for (size_t i = start; i < std::min(start + 3, inputs.size()); ++i) {
      round.emplace_back(inputs[i]);
      expected += inputs[i];
    }
    pieces.compress(round, out, start == 3);
    ASSERT_EQ(out.size(), round.size());
    for (const auto& piece : out) {
      stream += piece;
    }
  }
  auto got = inflate_all(stream);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, expected);
  EXPECT_LT(stream.size(), expected.size());
}

TEST(DeflatePieces, MorePiecesThanThreadsIsAnError) {
  DeflatePieces pieces(1);
  std::vector<std::string_view> out;
  std::vector<std::string_view> round = {"a", "b"};
  EXPECT_THROW(pieces.compress(round, out, true), std::exception);
}
