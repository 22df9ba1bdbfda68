# Writes IN (a text file) into OUT as a C++ function returning its contents.
file(READ ${IN} content)
string(LENGTH "${content}" len)
set(chunks "")
set(pos 0)
# A string literal longer than 65535 characters is beyond what C++ compilers
# must support (clang's -Woverlength-strings), and adjacent literals are one:
# the text is an array of 4000-character pieces, joined once at the first call.
while(pos LESS len)
  string(SUBSTRING "${content}" ${pos} 4000 piece)
  string(APPEND chunks "    R\"POSTURE_SDL(${piece})POSTURE_SDL\",\n")
  math(EXPR pos "${pos} + 4000")
endwhile()
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string>\n#include <string_view>\nnamespace posture::schema {\nstd::string_view builtin_sdl() {\n  static const char* const pieces[] = {\n${chunks}  };\n  static const std::string text = [] {\n    std::string all;\n    for (const char* piece : pieces) all += piece;\n    return all;\n  }();\n  return text;\n}\n}  // namespace posture::schema\n")
