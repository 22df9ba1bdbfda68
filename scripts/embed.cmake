# Writes IN (a text file) into OUT as a C++ function returning its contents.
file(READ ${IN} content)
string(LENGTH "${content}" len)
set(chunks "")
set(pos 0)
# Raw string literals have a length limit on some compilers; emit 4 KiB pieces.
while(pos LESS len)
  string(SUBSTRING "${content}" ${pos} 4000 piece)
  string(APPEND chunks "R\"POSTURE_SDL(${piece})POSTURE_SDL\"\n")
  math(EXPR pos "${pos} + 4000")
endwhile()
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace posture::schema {\nstd::string_view builtin_sdl() {\n  static const char text[] =\n${chunks};\n  return {text, sizeof(text) - 1};\n}\n}  // namespace posture::schema\n")
