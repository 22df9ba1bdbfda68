// The HTML report (docs/output-formats.md, "html") as people see it: written
// by the real `posture` program and rendered in headless Chromium (Debian's
// `chromium`, installed by scripts/install-deps.sh). The browser runs with its
// own background services off and every connection sent to a closed loopback
// port; its network log shows whether the page itself asked for anything.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/integration/bulk_harness.hpp"

namespace posture::bulk {
namespace {

using nlohmann::json;

const char* kChromium = "/usr/bin/chromium";

struct Rendered {
  Process browser;
  std::string dom;                   // --dump-dom: the DOM after the page's scripts ran
  std::set<std::string> pages;       // URLs the page (not the browser) requested
  std::vector<std::string> console;  // console messages and uncaught errors
};

// Loads `file` in headless Chromium and returns its DOM, the requests the
// page made and what it wrote to the console. `extra` adds a mode, e.g.
// --screenshot=PATH instead of --dump-dom.
Rendered render(const fs::path& file, const fs::path& dir, const std::string& mode = "--dump-dom") {
  Rendered r;
  const fs::path net = dir / ("net-" + file.filename().string() + ".json");
  r.browser = testing::run_process_in_env(
      kChromium,
      {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync",
       "--disable-default-apps", "--disable-extensions", "--proxy-server=http://127.0.0.1:1",
       "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--log-level=0",
       "--user-data-dir=" + (dir / "chromium-profile").string(), "--window-size=1280,1600",
       "--log-net-log=" + net.string(), mode, "file://" + fs::absolute(file).string()});
  r.dom = r.browser.out;
  std::istringstream lines(r.browser.err);
  for (std::string line; std::getline(lines, line);)
    if (line.find(":CONSOLE") != std::string::npos) r.console.push_back(line);
  auto log = json::parse(slurp(net), nullptr, false);
  if (log.is_object())
    for (const auto& e : log["events"]) {
      const json& p = e.value("params", json::object());
      // The browser's own requests have no page origin ("not an origin").
      if (p.contains("url") && p.contains("initiator") && p["initiator"] != "not an origin")
        r.pages.insert(p["url"].get<std::string>());
    }
  return r;
}

std::vector<std::string> check_ids() {
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(fs::path(POSTURE_SOURCE_DIR) / "queries"))
    if (e.path().extension() == ".graphql") ids.push_back(e.path().stem().string());
  return ids;
}

class HtmlReportTest : public BulkTest {
 protected:
  // `posture check --format html` of scan `scan` into `name`; returns its text.
  std::string check_html(const std::string& name, const std::string& db) {
    std::string path = (dir_ / name).string();
    Process check = run({"check", "--db", db, "--format", "html", "--output", path});
    EXPECT_TRUE(check.exit_code == 0 || check.exit_code == 1) << check.err;
    return slurp(path);
  }
  // Findings that did not pass, as the JSON report counts them.
  uint64_t not_passing() {
    Process doc = run({"check", "--db", db_, "--format", "json"});
    auto j = json::parse(doc.out);
    const json& f = j["summary"]["findings"];
    return f["fail"].get<uint64_t>() + f["error"].get<uint64_t>() + f["muted"].get<uint64_t>();
  }
};

TEST_F(HtmlReportTest, IsOneFileThatFetchesNothingAndNamesEveryCheck) {
  std::string page = check_html("report.html", db_);
  ASSERT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u) << page.substr(0, 200);
  EXPECT_NE(page.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  for (const auto& id : check_ids())
    EXPECT_NE(page.find("id=\"check-" + id + "\""), std::string::npos) << id;
  // Only links the reader may follow point outside: no src=, <link> or url().
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  std::regex attribute(R"re((\w+)="(https?:[^"]*)")re");
  for (std::sregex_iterator it(page.begin(), page.end(), attribute), end; it != end; ++it)
    EXPECT_EQ((*it)[1].str(), "href") << (*it)[0].str();
}

TEST_F(HtmlReportTest, RendersInChromiumWithEveryCheckAndNoErrorOrRequest) {
  std::string page = check_html("report.html", db_);
  Rendered r = render(dir_ / "report.html", dir_);
  ASSERT_EQ(r.browser.exit_code, 0) << r.browser.err;
  EXPECT_NE(r.dom.find("data-ready=\"true\""), std::string::npos) << "the script did not finish";
  for (const auto& id : check_ids())
    EXPECT_NE(r.dom.find("<tr data-check=\"" + id + "\">"), std::string::npos) << id;
  // The explorer lists the findings that did not pass, a page at a time.
  const uint64_t expected = not_passing();
  ASSERT_GT(expected, 100u);
  EXPECT_NE(r.dom.find("Showing 1\xE2\x80\x93"
                       "100 of " +
                       std::to_string(expected) + " findings"),
            std::string::npos);
  std::regex rows("<tr><td><a href=\"#check-");
  auto listed =
      std::distance(std::sregex_iterator(r.dom.begin(), r.dom.end(), rows), std::sregex_iterator());
  EXPECT_EQ(listed, 100);
  EXPECT_TRUE(r.console.empty()) << r.console.front();
  EXPECT_TRUE(r.pages.empty()) << *r.pages.begin();

  // The same instruments catch a page that does fetch and does fail.
  std::ofstream(dir_ / "bad.html") << "<html><body><script>missingFunction();</script>"
                                      "<img src=\"http://192.0.2.1/pixel.png\"></body></html>";
  Rendered bad = render(dir_ / "bad.html", dir_);
  EXPECT_EQ(bad.pages.count("http://192.0.2.1/pixel.png"), 1u) << bad.browser.err;
  EXPECT_FALSE(bad.console.empty());
}

// A subscription named with markup: the report shows the text, runs nothing.
TEST_F(HtmlReportTest, WhatTheInventorySaysIsTextNeverMarkup) {
  const std::string name =
      "<script>document.body.setAttribute('data-pwned','1')</script>"
      "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">";
  json sub = {{"id", "/subscriptions/c0ffee00-0000-4000-8000-0000000000ee"},
              {"subscriptionId", "c0ffee00-0000-4000-8000-0000000000ee"},
              {"displayName", name},
              {"state", "Enabled"}};
  std::string input = write("hostile.jsonl", json({{"value", {sub}}}).dump() + "\n");
  std::string db = (dir_ / "hostile.db").string();
  // --collected all: the file lists every object, so the subscription is judged.
  Process import = run({"import", "--db", db, input, "--collected", "all", "--quiet"});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  std::string page = check_html("hostile.html", db);
  EXPECT_EQ(page.find("<script>document"), std::string::npos);
  EXPECT_EQ(page.find("<img src=x"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;document.body"), std::string::npos);  // listed under a check
  EXPECT_NE(page.find("\\u003cscript>document.body"), std::string::npos);  // in the findings data
  Rendered r = render(dir_ / "hostile.html", dir_);
  ASSERT_EQ(r.browser.exit_code, 0) << r.browser.err;
  EXPECT_NE(r.dom.find("data-ready=\"true\""), std::string::npos);
  EXPECT_EQ(r.dom.find("data-pwned=\""), std::string::npos);  // no attribute was set
  EXPECT_EQ(r.dom.find("<img src=\"x\""), std::string::npos);
  EXPECT_NE(r.dom.find("&lt;script&gt;document.body"), std::string::npos);
  EXPECT_TRUE(r.console.empty()) << r.console.front();
}

TEST_F(HtmlReportTest, AFrameworkReportShowsEachRequirementAndTheScore) {
  std::string path = (dir_ / "framework.html").string();
  Process html = run({"report", "--db", db_, "--framework", "cis-azure-3.0.0", "--format", "html",
                      "--output", path});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  Process doc = run({"report", "--db", db_, "--framework", "cis-azure-3.0.0", "--format", "json"});
  ASSERT_EQ(doc.exit_code, 0) << doc.err;
  auto j = json::parse(doc.out);
  std::string page = slurp(path);
  ASSERT_TRUE(j["requirements"].is_array()) << doc.out.substr(0, 300);
  for (const auto& req : j["requirements"])
    EXPECT_NE(page.find("<tr><th scope=\"row\">" + req["id"].get<std::string>() + "</th>"),
              std::string::npos)
        << req["id"];
  char score[32];
  std::snprintf(score, sizeof score, "%.1f%%", j["summary"]["score"].get<double>());
  EXPECT_NE(page.find(std::string("id=\"framework-score\">") + score), std::string::npos) << score;
  // Findings carry their reasons in the framework's HTML report too.
  EXPECT_NE(page.find("does not include &quot;Owner&quot;"), std::string::npos);
}

// A screenshot of the sample's report is not blank: many colours, and much of
// the page is not background. The pixels are read by Python's zlib (PNG).
TEST_F(HtmlReportTest, AScreenshotOfTheSampleIsNotBlank) {
  check_html("report.html", db_);
  const fs::path png = dir_ / "report.png";
  Rendered r = render(dir_ / "report.html", dir_, "--screenshot=" + png.string());
  ASSERT_EQ(r.browser.exit_code, 0) << r.browser.err;
  ASSERT_TRUE(fs::exists(png)) << r.browser.err;
  const char* script = R"PY(
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w, h, bpp = 8, b'', 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10]); bpp = {2: 3, 6: 4}[ctype]
    if kind == b'IDAT': idat += body
    pos += 12 + n
raw, stride, prev, colours, ink = zlib.decompress(idat), w * bpp, bytearray(w * bpp), set(), 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp * 4):
        px = bytes(line[x:x + 3]); colours.add(px); ink += px != b'\xff\xff\xff'
    prev = line
print(w, h, len(colours), ink * 4 / (w * h))
)PY";
  Process stats = testing::run_process_in_env("/usr/bin/python3", {"-c", script, png.string()});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  std::istringstream in(stats.out);
  int w = 0, h = 0, colours = 0;
  double ink = 0;
  in >> w >> h >> colours >> ink;
  EXPECT_EQ(w, 1280);
  EXPECT_EQ(h, 1600);
  EXPECT_GE(colours, 16) << stats.out;
  EXPECT_GT(ink, 0.02) << stats.out;
}

}  // namespace
}  // namespace posture::bulk
