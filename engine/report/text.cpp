// Escaping for JSON, XML and CSV with a UTF-8 decoder that replaces invalid
// sequences, so no report is ever malformed because of a stored name.
#include "engine/report/text.hpp"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <sstream>

#include "base/text.hpp"
#include "base/utf8.hpp"

namespace posture::report::text {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Calls plain(begin, end) for runs that need no escaping and special(i, n, cp)
// for every other sequence (n == 0: an invalid byte at i). plain_word(w):
// whether the 8 bytes of w are ASCII that needs no escaping, skipped at once.
template <class NeedsEscape, class PlainWord, class Plain, class Special>
void scan(std::string_view s, NeedsEscape needs, PlainWord plain_word, Plain plain,
          Special special) {
  size_t run = 0, i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, sizeof w);
      if (plain_word(w)) {
        i += 8;
        continue;
      }
    }
    uint32_t cp = 0;
    size_t n = utf8_sequence(s, i, cp);
    if (n != 0 && !needs(cp)) {
      i += n;
      continue;
    }
    if (i > run) plain(s.substr(run, i - run));
    special(i, n, cp);
    i += n == 0 ? 1 : n;
    run = i;
  }
  if (run < s.size()) plain(s.substr(run));
}

// `s` quoted and escaped for JSON, given to `append` in pieces.
template <class Append>
void json_pieces(std::string_view s, Append append) {
  append("\"");
  scan(
      s, [](uint32_t cp) { return cp < 0x20 || cp == '"' || cp == '\\'; },
      [](uint64_t w) { return posture::text::json_plain_word(w, true); }, append,
      [&](size_t, size_t n, uint32_t cp) {
        if (n == 0) return append(kReplacement);
        switch (cp) {
          case '"':
            return append("\\\"");
          case '\\':
            return append("\\\\");
          case '\n':
            return append("\\n");
          case '\r':
            return append("\\r");
          case '\t':
            return append("\\t");
          default: {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
            append(std::string_view(buf));
          }
        }
      });
  append("\"");
}

}  // namespace

void json_string(std::ostream& out, std::string_view s) {
  json_pieces(s, [&](std::string_view piece) {
    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
  });
}

void json_string(std::string& out, std::string_view s) {
  json_pieces(s, [&](std::string_view piece) { out.append(piece); });
}

std::string json_quoted(std::string_view s) {
  std::ostringstream out;
  json_string(out, s);
  return out.str();
}

void xml_text(std::ostream& out, std::string_view s) {
  scan(
      s,
      [](uint32_t cp) {
        return cp < 0x20 || cp == '&' || cp == '<' || cp == '>' || cp == '"' || cp == '\'' ||
               cp == 0xFFFE || cp == 0xFFFF;
      },
      [](uint64_t) { return false; },
      [&](std::string_view run) {
        out.write(run.data(), static_cast<std::streamsize>(run.size()));
      },
      [&](size_t, size_t n, uint32_t cp) {
        if (n == 0) return void(out << kReplacement);
        switch (cp) {
          case '&':
            return void(out << "&amp;");
          case '<':
            return void(out << "&lt;");
          case '>':
            return void(out << "&gt;");
          case '"':
            return void(out << "&quot;");
          case '\'':
            return void(out << "&apos;");
          case '\t':
            return void(out << "&#9;");
          case '\n':
            return void(out << "&#10;");
          case '\r':
            return void(out << "&#13;");
          default:
            out << kReplacement;  // not allowed in XML 1.0
        }
      });
}

void csv_field(std::ostream& out, std::string_view s) {
  bool quote = !s.empty() && (s.front() == ' ' || s.back() == ' ');
  quote = quote || s.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out.put('"');
  scan(
      s, [&](uint32_t cp) { return cp == '"'; }, [](uint64_t) { return false; },
      [&](std::string_view run) {
        out.write(run.data(), static_cast<std::streamsize>(run.size()));
      },
      [&](size_t, size_t n, uint32_t) { out << (n == 0 ? kReplacement : "\"\""); });
  if (quote) out.put('"');
}

int64_t epoch_millis(std::string_view iso) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string text(iso);
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) return 0;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

}  // namespace posture::report::text
