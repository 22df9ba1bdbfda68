// The HTML report: one self-contained file (docs/output-formats.md, "html").
// Everything a reader needs without scripting is static HTML: the scan, the
// summary, the charts (inline SVG, each bar labelled with its number), the
// framework score, and per check its metadata and first failing findings.
// Every finding is also in a JSON block that the inline script pages, sorts
// and filters in the browser, so a report of a million findings opens fast.
// Nothing is fetched: a Content-Security-Policy forbids every network request,
// and every value from the inventory is escaped (text in HTML, \u003c in JSON).
#include <algorithm>
#include <sstream>
#include <unordered_map>

#include "engine/report/framework_report.hpp"
#include "engine/report/report.hpp"
#include "engine/report/text.hpp"

namespace posture::report {

namespace {

using checks::Verdict;

// Findings listed statically under each check (the rest are in the explorer).
constexpr size_t kStaticFindings = 50;
// Checks the "failing findings by check" chart shows.
constexpr size_t kChartChecks = 20;

void html(std::ostream& out, std::string_view s) {
  text::xml_text(out, s);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

uint64_t count(const std::array<uint64_t, 4>& c, Verdict v) {
  return c[static_cast<size_t>(v)];
}

// A JSON value for a <script type="application/json"> block: no "<" can end it.
std::string script_safe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json)
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  return out;
}

constexpr const char* kStyle = R"CSS(
:root{--pass:#1a7f37;--fail:#cf222e;--error:#9a6700;--muted:#6e7781;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328}
header,main{max-width:1200px;margin:0 auto;padding:0 16px}
h1{margin:16px 0 4px}h2{border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg)}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-weight:600;border:1px solid}
.PASS{color:var(--pass)}.FAIL{color:var(--fail)}.ERROR{color:var(--error)}.MUTED{color:var(--muted)}
.banner{border:2px solid var(--fail);background:#ffebe9;padding:8px 12px;margin:12px 0;font-weight:600}
.banner.partial{border-color:var(--error);background:#fff8c5}
.charts{display:flex;flex-wrap:wrap;gap:24px}.charts figure{margin:0;flex:1 1 420px}
code,.id{font-family:ui-monospace,monospace;font-size:13px;word-break:break-all}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:8px 0}
.controls label{display:flex;flex-direction:column;font-size:13px}
.js-only{display:none}
th button{all:unset;cursor:pointer;font-weight:600}th button:focus{outline:2px solid #0969da}
article{border-top:1px solid var(--line);margin-top:16px}
@media print{.controls,#explorer{display:none}a{color:inherit}article{break-inside:avoid}}
)CSS";

constexpr const char* kScript = R"JS(
(function(){
'use strict';
var data=JSON.parse(document.getElementById('posture-data').textContent);
var S=data.strings,C=data.checks,F=data.findings;
var STATUS=['PASS','MUTED','ERROR','FAIL'],SEV=['low','medium','high','critical'];
var state={status:'nonpass',severity:'',check:'',text:'',sort:null,desc:false,page:0};
var PAGE=100;
function $(id){return document.getElementById(id);}
function el(tag,text,cls){var e=document.createElement(tag);if(text!==undefined)e.textContent=text;if(cls)e.className=cls;return e;}
var rows=[];
function filter(){
  var t=state.text.toLowerCase();
  rows=F.filter(function(f){
    var c=C[f[0]];
    if(state.status==='nonpass'&&f[1]===0)return false;
    if(state.status&&state.status!=='nonpass'&&STATUS[f[1]]!==state.status)return false;
    if(state.severity&&c.severity!==state.severity)return false;
    if(state.check&&c.id!==state.check)return false;
    if(t&&(S[f[2]]+' '+S[f[3]]+' '+S[f[4]]+' '+c.id).toLowerCase().indexOf(t)<0)return false;
    return true;});
  if(state.sort!==null){
    var k=state.sort,d=state.desc?-1:1;
    rows.sort(function(a,b){var x=key(a,k),y=key(b,k);return x<y?-d:x>y?d:0;});
  }
  state.page=0;render();
}
function key(f,k){
  if(k==='check')return C[f[0]].id;
  if(k==='severity')return SEV.indexOf(C[f[0]].severity);
  if(k==='status')return f[1];
  if(k==='resource')return S[f[2]];
  if(k==='name')return S[f[3]];
  return S[f[4]];
}
function render(){
  var body=$('explorer-rows');
  while(body.firstChild)body.removeChild(body.firstChild);
  var from=state.page*PAGE,to=Math.min(rows.length,from+PAGE);
  for(var i=from;i<to;i++){
    var f=rows[i],c=C[f[0]],tr=el('tr');
    var a=el('a',c.id);a.href='#check-'+c.id;var td=el('td');td.appendChild(a);tr.appendChild(td);
    tr.appendChild(el('td',c.severity));
    var st=el('td');st.appendChild(el('span',STATUS[f[1]],'badge '+STATUS[f[1]]));tr.appendChild(st);
    tr.appendChild(el('td',S[f[2]],'id'));tr.appendChild(el('td',S[f[3]]));tr.appendChild(el('td',S[f[4]]));
    body.appendChild(tr);
  }
  $('explorer-count').textContent=rows.length?('Showing '+(from+1)+'\u2013'+to+' of '+rows.length+' findings'):'No finding matches';
  $('explorer-prev').disabled=state.page===0;
  $('explorer-next').disabled=to>=rows.length;
}
function bind(id,field){$(id).addEventListener('input',function(e){state[field]=e.target.value;filter();});}
var checkSelect=$('explorer-check');
C.forEach(function(c){var o=el('option',c.id);o.value=c.id;checkSelect.appendChild(o);});
bind('explorer-status','status');bind('explorer-severity','severity');bind('explorer-check','check');bind('explorer-text','text');
$('explorer-prev').addEventListener('click',function(){state.page--;render();});
$('explorer-next').addEventListener('click',function(){state.page++;render();});
Array.prototype.forEach.call(document.querySelectorAll('#explorer th button'),function(b){
  b.addEventListener('click',function(){var k=b.getAttribute('data-key');
    state.desc=state.sort===k?!state.desc:false;state.sort=k;
    Array.prototype.forEach.call(document.querySelectorAll('#explorer th'),function(th){th.removeAttribute('aria-sort');});
    b.parentNode.setAttribute('aria-sort',state.desc?'descending':'ascending');filter();});});
Array.prototype.forEach.call(document.querySelectorAll('.js-only'),function(e){e.classList.remove('js-only');});
filter();
document.body.setAttribute('data-render-ms',String(Math.round(performance.now())));
document.body.setAttribute('data-ready','true');
})();
)JS";

// A horizontal bar chart as inline SVG: one labelled bar per item, the number
// written beside it, so colour is never the only signal.
void bar_chart(std::ostream& out, const std::string& title,
               const std::vector<std::pair<std::string, uint64_t>>& items, const char* colour) {
  const int row = 22, label = 300, width = 720;
  uint64_t max = 1;
  for (const auto& [_, n] : items) max = std::max(max, n);
  int height = static_cast<int>(items.size()) * row + 8;
  out << "<figure><figcaption>";
  html(out, title);
  out << "</figcaption><svg role=\"img\" aria-label=\"";
  html(out, title);
  out << "\" viewBox=\"0 0 " << width << " " << height << "\" width=\"100%\" font-size=\"12\">";
  int y = 4;
  for (const auto& [name, n] : items) {
    int w =
        static_cast<int>((width - label - 60) * static_cast<double>(n) / static_cast<double>(max));
    out << "<text x=\"" << label - 6 << "\" y=\"" << y + 14 << "\" text-anchor=\"end\">";
    html(out, name.size() > 44 ? name.substr(0, 43) + "\xE2\x80\xA6" : name);
    out << "</text><rect x=\"" << label << "\" y=\"" << y + 3 << "\" width=\"" << w
        << "\" height=\"" << row - 6 << "\" fill=\"" << colour << "\"/><text x=\"" << label + w + 6
        << "\" y=\"" << y + 14 << "\">" << n << "</text>";
    y += row;
  }
  out << "</svg></figure>";
}

void counts_cells(std::ostream& out, const std::array<uint64_t, 4>& c) {
  for (Verdict v : {Verdict::Pass, Verdict::Fail, Verdict::Error, Verdict::Muted})
    out << "<td class=\"n\">" << count(c, v) << "</td>";
}

const char* kCountsHeader =
    "<th scope=\"col\">Pass</th><th scope=\"col\">Fail</th><th scope=\"col\">Error</th><th "
    "scope=\"col\">Muted</th>";

// A link to a check's details.
void check_link(std::ostream& out, std::string_view id) {
  out << "<a href=\"#check-";
  html(out, id);
  out << "\">";
  html(out, id);
  out << "</a>";
}

void badge(std::ostream& out, std::string_view status) {
  out << "<span class=\"badge " << status << "\">" << status << "</span>";
}

void write_head(std::ostream& out, const Report& report) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
         "<meta name=\"generator\" content=\"posture ";
  html(out, report.tool_version);
  out << "\"><title>Posture report: scan " << report.scan.id << "</title><style>" << kStyle
      << "</style></head>\n<body>\n<header><h1>Posture report</h1><p>Scan " << report.scan.id
      << " &middot; <span class=\"id\">";
  html(out, report.scan.source);
  out << "</span> &middot; ";
  html(out, report.scan.started_at);
  if (!report.scan.ended_at.empty()) {
    out << " to ";
    html(out, report.scan.ended_at);
  }
  out << " &middot; status <strong>";
  html(out, report.scan.status);
  out << "</strong>";
  if (report.context) out << " &middot; waivers as of " << report.context->today.str();
  out << "</p>";
  if (report.scan.status != "complete") {
    out << "<p role=\"alert\" class=\"banner" << (report.scan.status == "partial" ? " partial" : "")
        << "\">Scan " << report.scan.id << " is " << upper(report.scan.status)
        << ": resources it could not read are ERROR, never PASS";
    if (!report.scan.message.empty()) {
      out << " (";
      html(out, report.scan.message);
      out << ")";
    }
    out << ".</p>";
  }
  out << "</header>\n<main>\n";
}

void write_summary(std::ostream& out, const Report& report) {
  std::array<uint64_t, 4> checks{}, findings{};
  std::array<std::array<uint64_t, 4>, 4> by_severity{};  // severity x verdict of findings
  std::array<uint64_t, 4> checks_by_severity{};
  for (const auto& r : report.results) {
    ++checks[static_cast<size_t>(r.status)];
    auto sev = static_cast<size_t>(r.check->severity);
    ++checks_by_severity[sev];
    for (size_t s = 0; s < 4; ++s) {
      findings[s] += r.counts[s];
      by_severity[sev][s] += r.counts[s];
    }
  }
  out << "<section id=\"summary\"><h2>Summary</h2><p id=\"summary-line\">";
  html(out, summary_line(report));
  out << "</p><table><caption>Checks and findings by status</caption><thead><tr><th "
         "scope=\"col\"></th>"
      << kCountsHeader << "</tr></thead><tbody><tr><th scope=\"row\">Checks</th>";
  counts_cells(out, checks);
  out << "</tr><tr><th scope=\"row\">Findings</th>";
  counts_cells(out, findings);
  out << "</tr></tbody></table><table><caption>Findings by severity</caption><thead><tr><th "
         "scope=\"col\">Severity</th><th scope=\"col\">Checks</th>"
      << kCountsHeader << "</tr></thead><tbody>";
  std::vector<std::pair<std::string, uint64_t>> severity_bars;
  for (size_t sev = 4; sev-- > 0;) {
    std::string name(checks::severity_name(static_cast<checks::Severity>(sev)));
    out << "<tr><th scope=\"row\">" << name << "</th><td class=\"n\">" << checks_by_severity[sev]
        << "</td>";
    counts_cells(out, by_severity[sev]);
    out << "</tr>";
    severity_bars.emplace_back(name, by_severity[sev][static_cast<size_t>(Verdict::Fail)] +
                                         by_severity[sev][static_cast<size_t>(Verdict::Error)]);
  }
  out << "</tbody></table>";
  std::vector<std::pair<std::string, uint64_t>> check_bars;
  for (const auto& r : report.results)
    if (uint64_t n = count(r.counts, Verdict::Fail) + count(r.counts, Verdict::Error))
      check_bars.emplace_back(r.check->id, n);
  std::stable_sort(check_bars.begin(), check_bars.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string by_check = "Failing and error findings by check";
  if (check_bars.size() > kChartChecks) {
    by_check += " (the " + std::to_string(kChartChecks) + " with most)";
    check_bars.resize(kChartChecks);
  }
  out << "<div class=\"charts\">";
  bar_chart(out, "Failing and error findings by severity", severity_bars, "#cf222e");
  bar_chart(out, by_check, check_bars, "#9a6700");
  out << "</div></section>\n";
}

void write_framework_section(std::ostream& out, const FrameworkResult& fw) {
  auto score = [](const std::optional<double>& s) {
    if (!s) return std::string("-");
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(1);
    o << *s << "%";
    return o.str();
  };
  out << "<section id=\"framework\"><h2>Framework: ";
  html(out, fw.framework->title);
  out << "</h2><p>Score <strong id=\"framework-score\">" << score(fw.score)
      << "</strong> of assessed findings pass (MUTED findings and requirements without checks are "
         "left out).</p><table><caption>Requirements</caption><thead><tr><th "
         "scope=\"col\">Requirement</th><th scope=\"col\">Title</th><th "
         "scope=\"col\">Status</th>"
      << kCountsHeader
      << "<th scope=\"col\">Score</th><th scope=\"col\">Checks</th></tr></thead><tbody>";
  for (const auto& r : fw.requirements) {
    out << "<tr><th scope=\"row\">";
    html(out, r.requirement->id);
    out << "</th><td>";
    html(out, r.requirement->title);
    out << "</td><td>";
    badge(out, r.status);
    out << "</td>";
    counts_cells(out, r.counts);
    out << "<td class=\"n\">" << score(r.score) << "</td><td>";
    for (const auto* c : r.checks) {
      check_link(out, c->check->id);
      out << " ";
    }
    out << "</td></tr>";
  }
  out << "</tbody></table></section>\n";
}

void write_checks_table(std::ostream& out, const Report& report) {
  out << "<section id=\"checks\"><h2>Checks</h2><table><thead><tr><th scope=\"col\">Check</th><th "
         "scope=\"col\">Title</th><th scope=\"col\">Severity</th><th scope=\"col\">Status</th>"
      << kCountsHeader << "</tr></thead><tbody>";
  for (const auto& r : report.results) {
    out << "<tr data-check=\"";
    html(out, r.check->id);
    out << "\"><td>";
    check_link(out, r.check->id);
    out << "</td><td>";
    html(out, r.check->title);
    out << "</td><td>" << checks::severity_name(r.check->severity) << "</td><td>";
    badge(out, checks::verdict_name(r.status));
    out << "</td>";
    counts_cells(out, r.counts);
    out << "</tr>";
  }
  out << "</tbody></table></section>\n";
}

void write_explorer(std::ostream& out) {
  out << "<section id=\"explorer\"><h2>Findings</h2>"
         "<noscript><p>With scripting on, every finding can be sorted and filtered here; "
         "below, each check lists its first "
      << kStaticFindings
      << " findings that did not pass.</p></noscript>"
         "<div class=\"controls js-only\">"
         "<label>Status<select id=\"explorer-status\"><option value=\"nonpass\">not PASS</option>"
         "<option value=\"\">any</option><option>FAIL</option><option>ERROR</option>"
         "<option>MUTED</option><option>PASS</option></select></label>"
         "<label>Severity<select id=\"explorer-severity\"><option value=\"\">any</option>"
         "<option>critical</option><option>high</option><option>medium</option><option>low</"
         "option></select></label>"
         "<label>Check<select id=\"explorer-check\"><option value=\"\">any</option></select></"
         "label>"
         "<label>Search<input id=\"explorer-text\" type=\"search\" placeholder=\"resource, name, "
         "reason\"></label>"
         "<button id=\"explorer-prev\" type=\"button\">Previous</button>"
         "<button id=\"explorer-next\" type=\"button\">Next</button>"
         "<output id=\"explorer-count\" aria-live=\"polite\"></output></div>"
         "<table class=\"js-only\"><thead><tr>";
  for (const char* k : {"check", "severity", "status", "resource", "name", "reason"}) {
    std::string title(k);
    title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    out << "<th scope=\"col\"><button type=\"button\" data-key=\"" << k << "\">" << title
        << "</button></th>";
  }
  out << "</tr></thead><tbody id=\"explorer-rows\"></tbody></table></section>\n";
}

// The findings of every check as compact JSON: strings once in a table,
// each finding [check, status, resource, name, reason or detail].
class FindingsData {
 public:
  void add(size_t check, const Report& report, const Finding& f) {
    std::string why = f.reason ? f.reason->text : "";
    if (f.note) {
      std::string detail = note_detail(report, *f.note);
      why = why.empty() ? detail : why + "; " + detail;
    }
    findings_ << (first_ ? "" : ",") << "[" << check << "," << static_cast<int>(f.status) << ","
              << intern(f.resource) << "," << intern(f.name) << "," << intern(why) << "]";
    first_ = false;
  }

  void write(std::ostream& out, const Report& report) const {
    std::ostringstream doc;
    doc << "{\"checks\":[";
    for (size_t i = 0; i < report.results.size(); ++i) {
      const auto& c = *report.results[i].check;
      doc << (i ? "," : "") << "{\"id\":" << text::json_quoted(c.id) << ",\"severity\":\""
          << checks::severity_name(c.severity) << "\"}";
    }
    doc << "],\"strings\":[";
    for (size_t i = 0; i < strings_.size(); ++i)
      doc << (i ? "," : "") << text::json_quoted(strings_[i]);
    doc << "],\"findings\":[" << findings_.str() << "]}";
    out << "<script type=\"application/json\" id=\"posture-data\">" << script_safe(doc.str())
        << "</script>\n";
  }

 private:
  size_t intern(std::string_view s) {
    auto [it, added] = index_.try_emplace(std::string(s), strings_.size());
    if (added) strings_.emplace_back(s);
    return it->second;
  }

  std::unordered_map<std::string, size_t> index_;
  std::vector<std::string> strings_;
  std::ostringstream findings_;
  bool first_ = true;
};

void paragraphs(std::ostream& out, const std::string& heading, const std::string& body) {
  if (body.empty()) return;
  out << "<h4>" << heading << "</h4><p>";
  html(out, body);
  out << "</p>";
}

Status write_details(std::ostream& out, const Report& report, FindingsData& data) {
  out << "<section id=\"details\"><h2>Check details</h2>\n";
  for (size_t i = 0; i < report.results.size(); ++i) {
    const auto& r = report.results[i];
    const auto& c = *r.check;
    out << "<article id=\"check-";
    html(out, c.id);
    out << "\"><h3>";
    html(out, c.title);
    out << "</h3><p><code>";
    html(out, c.id);
    out << "</code> &middot; severity " << checks::severity_name(c.severity) << " &middot; ";
    badge(out, checks::verdict_name(r.status));
    out << " &middot; expects <code>";
    html(out, c.expect.text);
    out << "</code>";
    if (!c.frameworks.empty()) {
      out << " &middot; ";
      for (size_t k = 0; k < c.frameworks.size(); ++k) {
        out << (k ? ", " : "");
        html(out, c.frameworks[k]);
      }
    }
    out << "</p>";
    paragraphs(out, "Rationale", c.rationale);
    paragraphs(out, "Remediation", c.remediation);
    if (!c.references.empty()) {
      out << "<h4>References</h4><ul>";
      for (const auto& ref : c.references) {
        out << "<li><a rel=\"noreferrer\" href=\"";
        html(out, ref);
        out << "\">";
        html(out, ref);
        out << "</a></li>";
      }
      out << "</ul>";
    }
    size_t listed = 0, not_passing = 0;
    std::ostringstream rows;
    auto st = for_each_finding(report, r, [&](const Finding& f) {
      data.add(i, report, f);
      if (f.status == Verdict::Pass) return;
      ++not_passing;
      if (listed == kStaticFindings) return;
      ++listed;
      rows << "<tr><td class=\"id\">";
      html(rows, f.resource);
      rows << "</td><td>";
      html(rows, f.name);
      rows << "</td><td>";
      badge(rows, checks::verdict_name(f.status));
      rows << "</td><td>";
      if (f.reason) html(rows, f.reason->text);
      if (f.note) {
        if (f.reason) rows << "<br>";
        html(rows, note_detail(report, *f.note));
      }
      rows << "</td></tr>";
    });
    if (!st) return st;
    if (not_passing) {
      out << "<table><caption>Findings that did not pass";
      if (not_passing > listed)
        out << " (the first " << listed << " of " << not_passing << "; all are under Findings)";
      out << "</caption><thead><tr><th scope=\"col\">Resource</th><th scope=\"col\">Name</th><th "
             "scope=\"col\">Status</th><th scope=\"col\">Why</th></tr></thead><tbody>"
          << rows.str() << "</tbody></table>";
    } else {
      out << "<p>Every finding passed (" << count(r.counts, Verdict::Pass) << ").</p>";
    }
    out << "</article>\n";
  }
  out << "</section>\n";
  return ok_status();
}

}  // namespace

Status write_html(const Report& report, std::ostream& out, const FrameworkResult* framework) {
  write_head(out, report);
  write_summary(out, report);
  if (framework) write_framework_section(out, *framework);
  write_checks_table(out, report);
  write_explorer(out);
  FindingsData data;
  if (auto st = write_details(out, report, data); !st) return st;
  out << "</main>\n";
  data.write(out, report);
  out << "<script>" << kScript << "</script>\n</body></html>\n";
  return ok_status();
}

}  // namespace posture::report
