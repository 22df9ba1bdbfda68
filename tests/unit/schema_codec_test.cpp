// The built-in model is parsed when the program is built and decoded at run
// time (base/model/schema_codec.hpp): it must be the very model the SDL
// gives, member for member, and bytes that are not a whole encoding must be
// refused, not read past.
#include "base/model/schema_codec.hpp"

#include <gtest/gtest.h>

#include <string>

#include "engine/schema/schema.hpp"

namespace {

using posture::schema::Schema;

TEST(SchemaCodec, TheBuiltInModelIsTheOneTheSdlGives) {
  auto parsed = posture::schema::parse(posture::schema::builtin_sdl(), "assets.graphql");
  ASSERT_TRUE(parsed.ok()) << posture::format(parsed.errors());
  const Schema& built_in = posture::schema::builtin();
  ASSERT_EQ(built_in.types().size(), parsed->types().size());
  for (size_t i = 0; i < parsed->types().size(); ++i)
    EXPECT_TRUE(built_in.types()[i] == parsed->types()[i]) << parsed->types()[i].name;
  EXPECT_TRUE(built_in.interfaces() == parsed->interfaces());
  EXPECT_EQ(built_in.sdl(), parsed->sdl());
  // The model uses what the codec must carry: a difference in any member shows.
  auto copy = parsed->types();
  copy.front().fields.front().arm.default_api_versions += "x";
  EXPECT_FALSE(copy == parsed->types());
}

TEST(SchemaCodec, EncodingThenDecodingGivesTheSameModel) {
  const Schema& s = posture::schema::builtin();
  std::string bytes = posture::schema::encode(s);
  auto back = posture::schema::decode(bytes, "sdl");
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->types() == s.types());
  EXPECT_TRUE(back->interfaces() == s.interfaces());
  EXPECT_EQ(back->sdl(), "sdl");
  EXPECT_EQ(posture::schema::encode(*back), bytes);
  EXPECT_EQ(posture::schema::builtin_model(), bytes) << "the build's bytes are today's encoding";
}

TEST(SchemaCodec, BytesThatAreNotAWholeEncodingAreRefused) {
  std::string bytes = posture::schema::encode(posture::schema::builtin());
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t n = 0; n < bytes.size(); n += n < 64 ? 1 : 997)
    EXPECT_FALSE(posture::schema::decode(bytes.substr(0, n), "").has_value()) << n;
  EXPECT_FALSE(posture::schema::decode(bytes.substr(0, bytes.size() - 1), "").has_value());
  EXPECT_FALSE(posture::schema::decode(bytes + '\0', "").has_value()) << "trailing bytes";
  EXPECT_FALSE(posture::schema::decode(std::string(16, '\xff'), "").has_value()) << "a huge count";
  EXPECT_TRUE(posture::schema::decode(std::string(2, '\0'), "").has_value()) << "no types at all";
}

}  // namespace
