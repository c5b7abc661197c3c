# Turns a SPIR-V binary into a C header holding it as a uint32_t array.
# cmake -DIN=x.spv -DOUT=x.h -DNAME=symbol -P embed_spirv.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" nhex)
math(EXPR rem "${nhex} % 8")
if(NOT rem EQUAL 0 OR nhex EQUAL 0)
  message(FATAL_ERROR "${IN}: not a SPIR-V module (size is not a multiple of 4)")
endif()
# SPIR-V words are little-endian in the file: byte-swap each group of four bytes.
string(REGEX REPLACE "(..)(..)(..)(..)" "0x\\4\\3\\2\\1u," words "${hex}")
string(REGEX REPLACE "(0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,0x[0-9a-f]+u,)"
       "\\1\n" words "${words}")
file(WRITE "${OUT}.tmp"
  "/* Generated from ${IN} by shaders/embed_spirv.cmake; do not edit. */\n"
  "#include <stdint.h>\n"
  "static const uint32_t ${NAME}[] = {\n${words}\n};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
