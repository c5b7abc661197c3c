# Fails unless the layer's dynamic symbol table defines exactly one symbol:
# vkNegotiateLoaderLayerInterfaceVersion. Run: cmake -DNM=nm -DLAYER=path -P check_exports.cmake
execute_process(COMMAND ${NM} -D --defined-only ${LAYER}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LAYER}: ${err}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${out}")
set(names "")
foreach(line ${lines})
  string(REGEX REPLACE "^[0-9a-fA-F]* *[A-Za-z] " "" name "${line}")
  list(APPEND names "${name}")
endforeach()
if(NOT names STREQUAL "vkNegotiateLoaderLayerInterfaceVersion")
  message(FATAL_ERROR "the layer must export only vkNegotiateLoaderLayerInterfaceVersion; "
                      "it exports: ${names}")
endif()
message(STATUS "exports: ${names}")
