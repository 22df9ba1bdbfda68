// Scanning JSON text without parsing it: which bytes lie inside string
// literals. Used where a document is looked at before (or instead of) being
// parsed: refusing one nested too deeply, finding a top-level array's elements.
#pragma once

namespace posture::json_scan {

// Fed the bytes of a JSON text in order, says for each whether it is outside
// every string literal. A string's opening quote counts as outside (it starts
// the string); its contents, escapes and closing quote are inside.
class StringTracker {
 public:
  bool outside(char c) {
    if (in_string_) {
      if (escaped_)
        escaped_ = false;
      else if (c == '\\')
        escaped_ = true;
      else if (c == '"')
        in_string_ = false;
      return false;
    }
    if (c == '"') in_string_ = true;
    return true;
  }

 private:
  bool in_string_ = false;
  bool escaped_ = false;
};

}  // namespace posture::json_scan
