#include "core/digest.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "support/temp_dir.hpp"

namespace reflector {
namespace {

using reflector::testing::TempDir;

// Deterministic pseudo-random bytes.
std::string RandomBytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string out(size, '\0');
  for (char& c : out)
    c = static_cast<char>(generator() & 0xFF);
  return out;
}

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, FileHashEqualsMemoryHash) {
  TempDir dir;
  const std::string content = RandomBytes(2 * 1024 * 1024 + 3, 5);  // crosses the chunk size
  {
    std::ofstream out(dir / "f.bin", std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  auto hash = Sha256HexOfFile(dir / "f.bin");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_EQ(*hash, Sha256Hex(content));

  auto missing = Sha256HexOfFile(dir / "missing.bin");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(missing.error().message.find("missing.bin"), std::string::npos);
}

TEST(Sha256Test, StopRequestCancelsFileHash) {
  TempDir dir;
  { std::ofstream(dir / "f.bin") << "data"; }
  std::stop_source stop;
  stop.request_stop();
  auto hash = Sha256HexOfFile(dir / "f.bin", stop.get_token());
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().kind, ErrorKind::kCancelled);
}

TEST(HmacSha256Test, Rfc4231TestCase2) {
  std::string mac = HmacSha256("Jefe", "what do ya want for nothing?");
  ASSERT_EQ(mac.size(), 32u);
  EXPECT_EQ(HexEncode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HexEncodeTest, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
}

TEST(Base64EncodeTest, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff", 2)), "+/8=");
  EXPECT_EQ(Base64Encode("bot@example.com:key"), "Ym90QGV4YW1wbGUuY29tOmtleQ==");
}

TEST(Base64UrlTest, EncodesWithoutPaddingInTheUrlAlphabet) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_EQ(Base64UrlEncode(R"({"alg":"RS256","typ":"JWT"})"), "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9");
}

TEST(Base64UrlTest, DecodesWhatItEncodesWithOrWithoutPadding) {
  for (std::size_t size = 0; size < 40; ++size) {
    const std::string bytes = RandomBytes(size, static_cast<unsigned>(size));
    auto decoded = Base64UrlDecode(Base64UrlEncode(bytes));
    ASSERT_TRUE(decoded.ok()) << size << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, bytes) << size;
  }
  EXPECT_EQ(*Base64UrlDecode("Zm8="), "fo");
  EXPECT_EQ(*Base64UrlDecode("Zg=="), "f");
  EXPECT_EQ(*Base64UrlDecode("-_8"), std::string("\xfb\xff", 2));
}

TEST(Base64UrlTest, RefusesTextNoEncoderWrites) {
  // Standard-alphabet characters, stray padding, impossible lengths, non-zero padding bits.
  for (const char* text : {"+/8", "Zm8=Zm8=", "Z===", "Zm9vY", "Zh", "Zm9", "ab cd", "Zg=", "eyJ\n"}) {
    auto decoded = Base64UrlDecode(text);
    ASSERT_FALSE(decoded.ok()) << text;
    EXPECT_EQ(decoded.error().kind, ErrorKind::kInvalidInput) << text;
    EXPECT_EQ(decoded.error().message.find(text), std::string::npos) << "the input is never echoed";
  }
}

TEST(Base64DecodeTest, DecodesWhatBase64EncodeWrites) {
  for (std::size_t size = 0; size < 40; ++size) {
    std::string bytes;
    for (std::size_t i = 0; i < size; ++i)
      bytes.push_back(static_cast<char>((i * 67 + 251) & 0xFF));
    auto decoded = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(decoded.ok()) << size << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, bytes) << size;
  }
  EXPECT_EQ(*Base64Decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(*Base64Decode("+/8="), std::string("\xfb\xff", 2));
  // The secret of wire-formats.md §2.4: bytes 0x00..0x1f.
  auto key = Base64Decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(key.ok());
  ASSERT_EQ(key->size(), 32U);
  for (std::size_t i = 0; i < key->size(); ++i)
    EXPECT_EQ(static_cast<unsigned char>((*key)[i]), i);
}

TEST(Base64DecodeTest, RefusesUnpaddedUrlSafeAndMalformedText) {
  // Missing padding, URL-safe characters, stray padding, non-zero padding bits, whitespace.
  for (const char* text : {"Zg", "Zm8", "-_8=", "Zm8=Zm8=", "Z===", "Zh==", "ab cd===", "Zm9v\n"}) {
    auto decoded = Base64Decode(text);
    ASSERT_FALSE(decoded.ok()) << text;
    EXPECT_EQ(decoded.error().kind, ErrorKind::kInvalidInput) << text;
    EXPECT_EQ(decoded.error().message.find(text), std::string::npos) << "the input is never echoed";
  }
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(RandomBytesTest, GivesTheRequestedSizeAndDiffers) {
  auto a = reflector::RandomBytes(32);
  auto b = reflector::RandomBytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(reflector::RandomBytes(0)->size(), 0u);
}

}  // namespace
}  // namespace reflector
