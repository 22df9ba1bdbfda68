// JSON Lines lines that simdjson reads (collectors/snapshot/json_line.hpp)
// give the importer exactly what the SAX reader gives for the same text: the
// same elements, verbatim text, file:line:column and envelope context. The
// reference is the same lines read as JSON documents (a file starting with
// `[]`), which never takes the fast path; lines it must leave to the SAX
// reader (control characters, lone surrogates, numbers past 64 bits,
// trailing data) keep their errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "collectors/snapshot/json_line.hpp"
#include "collectors/snapshot/json_stream.hpp"

namespace fs = std::filesystem;
using posture::snapshot::internal::ByteReader;
using posture::snapshot::internal::LineParser;
using posture::snapshot::internal::read_elements;

namespace {

// One element as the sink saw it.
struct Seen {
  std::string value, raw, context;
  int line = 0, column = 0;
};

// Each file is named by process and call: CTest runs this suite's tests as
// separate processes side by side, and a shared name let one test read the
// other's file.
std::string write_file(const std::string& name, const std::string& text) {
  static int serial = 0;
  fs::path path = fs::temp_directory_path() / ("posture-json-line-" + std::to_string(::getpid()) +
                                               "-" + std::to_string(serial++) + "-" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// Reads `text` and records every element; `error` gets the first error, if any.
std::vector<Seen> read(const std::string& text, std::string* error = nullptr) {
  std::vector<Seen> out;
  std::string path = write_file(std::to_string(std::hash<std::string>()(text)), text);
  auto reader = ByteReader::open(path);
  EXPECT_TRUE(reader);
  auto status = read_elements(
      **reader, [&out](nlohmann::json&& v, std::string&& raw, const posture::SourceLocation& where,
                       const std::string& context) {
        out.push_back({v.dump(), raw, context, where.line, where.column});
        return posture::ok_status();
      });
  if (error) *error = status ? "" : status.errors().front().message;
  fs::remove(path);
  return out;
}

// The lines read as JSON Lines, and as JSON documents after a `[]` line
// (whose elements are one line lower).
void expect_same_as_sax(const std::string& lines) {
  auto fast = read(lines);
  auto sax = read("[]\n" + lines);
  for (auto& e : sax) --e.line;
  EXPECT_EQ(fast.size(), sax.size()) << lines;
  for (size_t i = 0; i < fast.size() && i < sax.size(); ++i) {
    EXPECT_EQ(fast[i].value, sax[i].value) << lines;
    EXPECT_EQ(fast[i].raw, sax[i].raw) << lines;
    EXPECT_EQ(fast[i].context, sax[i].context) << lines;
    EXPECT_EQ(fast[i].line, sax[i].line) << lines;
    EXPECT_EQ(fast[i].column, sax[i].column) << lines;
  }
}

// Whether LineParser takes the first line of `text` (else the SAX reader reads it).
bool taken(const std::string& text) {
  std::string path = write_file("taken", text);
  auto reader = ByteReader::open(path);
  EXPECT_TRUE(reader);
  LineParser parser;
  auto sink = [](nlohmann::json&&, std::string&&, const posture::SourceLocation&,
                 const std::string&) { return posture::ok_status(); };
  auto result = parser.read(**reader, sink);
  fs::remove(path);
  EXPECT_TRUE(result);
  return result && *result;
}

TEST(SnapshotJsonLine, PlainLinesTakeTheFastPathAndUnusualOnesDoNot) {
  EXPECT_TRUE(taken("{\"id\":\"a\",\"n\":[1,2.5,null]}\n"));
  EXPECT_TRUE(taken("{\"value\":[{\"id\":\"a\"}]}\n"));
  EXPECT_TRUE(taken("[{\"id\":\"a\"},[]]\r\n"));
  EXPECT_FALSE(taken("[1]\n"));
  EXPECT_FALSE(taken("{\"id\":\"a\x01\"}\n"));
  EXPECT_FALSE(taken("{\"id\":\"\\ud83d\\ude00\"}\n"));
  EXPECT_FALSE(taken("{\"n\":123456789012345678901234567890}\n"));
  EXPECT_FALSE(taken("{\"id\":\"a\"} {}\n"));
}

// The line is scanned sixteen bytes at a time up to the first block with a
// control character or a backslash: what makes a line unusual is found at
// every offset from a block's start, a backslash escape across two blocks
// included, and the `{`/`[` bytes of every block are counted.
TEST(SnapshotJsonLine, UnusualBytesAreFoundAtEveryOffset) {
  for (size_t pad = 0; pad < 40; ++pad) {
    std::string head = "{\"id\":\"" + std::string(pad, 'a');
    EXPECT_TRUE(taken(head + "\"}\n")) << pad;
    EXPECT_TRUE(taken(head + "\\u00e9\\\"\"}\n")) << pad;
    EXPECT_FALSE(taken(head + "\x01\"}\n")) << pad;
    EXPECT_FALSE(taken(head + "\x1f\"}\n")) << pad;
    EXPECT_FALSE(taken(head + "\\ud83d\\ude00\"}\n")) << pad;
    EXPECT_FALSE(taken(head + "\\uDE00\"}\n")) << pad;
    // Bytes from 0x80 are UTF-8, not control characters.
    EXPECT_TRUE(taken(head + "caf\xC3\xA9 \xE2\x82\xAC\"}\n")) << pad;
  }
  // 257 nested arrays, their brackets spread over many blocks, are too deep
  // wherever they start; 255 are not.
  for (size_t pad = 0; pad < 16; ++pad) {
    std::string head = "{\"id\":\"" + std::string(pad, 'a') + "\",\"x\":";
    std::string error;
    read(head + std::string(257, '[') + std::string(257, ']') + "}\n", &error);
    EXPECT_NE(error.find("nested deeper than"), std::string::npos) << pad << ": " << error;
    read(head + std::string(255, '[') + std::string(255, ']') + "}\n", &error);
    EXPECT_EQ(error, "") << pad;
  }
}

TEST(SnapshotJsonLine, ObjectsEnvelopesAndArraysReadAsTheSaxReaderReadsThem) {
  expect_same_as_sax(
      "{\"id\": \"/subscriptions/a\", \"n\": 1, \"m\": -2, \"f\": 1.5e3, \"t\": true, \"z\": "
      "null}\n"
      "  {\"id\":\"/subscriptions/b\",\"tags\":{\"k\":\"v\"},\"list\":[1,[2,{\"x\":[]}]]}  \r\n"
      "{\"value\":[{\"id\":\"c\"},  {\"id\":\"d\",\"value\":[1]}],\"nextLink\":null}\n"
      "{\"@odata.context\":\"https://graph/$metadata#users\",\"value\":[{\"id\":\"e\"}]}\n"
      "{\"value\":[{\"id\":\"f\"}],\"@odata.context\":\"after the items: not theirs\"}\n"
      "{\"data\":[{\"id\":\"g\"},{\"id\":\"h\"}],\"count\":2}\n"
      "[{\"id\":\"i\"},{\"id\":\"j\",\"a\":[{\"b\":\"]}\"}]}]\n"
      "[]\n"
      "{\"value\":[]}\n"
      "{\"value\":5,\"id\":\"k\"}\n"
      "{\"value\":{\"id\":\"l\"}}\n"
      "{\"id\":\"m\",\"id\":\"m2\",\"name\":\"dup\"}\n"
      "{\"name\":\"caf\xC3\xA9 \\\"q\\\" \\\\ \\u00e9 \\n\",\"big\":18446744073709551615}\n"
      "\n"
      "\t{\"id\":\"n\"}\n");
}

TEST(SnapshotJsonLine, LinesLeftToTheSaxReaderKeepTheirElementsAndErrors) {
  // Scalars in arrays and envelopes, numbers past 64 bits, tabs inside a line.
  expect_same_as_sax(
      "[1,\"two\",{\"id\":\"a\"}]\n"
      "{\"value\":[null,{\"id\":\"b\"}]}\n"
      "{\"n\":123456789012345678901234567890}\n"
      "{\"id\":\"c\",\t\"x\":1}\n"
      "{\"v\\u0061lue\":[{\"id\":\"d\"}]}\n"
      "{\"value\":[{\"id\":\"e\"}],\"data\":[{\"id\":\"f\"}]}\n");
  std::string error;
  read("{\"id\":\"a\"}\n{\"id\":\"b\"} x\n", &error);
  EXPECT_NE(error.find("unexpected data after the JSON value"), std::string::npos) << error;
  read("{\"id\":\"a\"}\n{\"id\":\"b\",}\n", &error);
  EXPECT_NE(error.find("malformed JSON"), std::string::npos) << error;
  read("{\"id\":\"a\"}\n{\"id\":\"\\ud800\"}\n", &error);
  EXPECT_NE(error.find("malformed JSON"), std::string::npos) << error;
  read("{\"id\":\"a\"}\n{\"id\":\"a\x01\"}\n", &error);
  EXPECT_NE(error.find("malformed JSON"), std::string::npos) << error;
  std::string deep(300, '[');
  read("{\"id\":\"a\"}\n{\"x\":" + deep + std::string(300, ']') + "}\n", &error);
  EXPECT_NE(error.find("nested deeper than"), std::string::npos) << error;
}

}  // namespace
