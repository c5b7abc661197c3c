# Runs one libFuzzer target for a bounded time as a ctest: copies seed files matching
# PATTERN from SEEDS into a fresh corpus folder in the build tree, then runs the fuzzer on it.
# -D FUZZER=... CORPUS=... SEEDS=... PATTERN=... SECONDS=... MAX_LEN=...
file(GLOB seeds "${SEEDS}/${PATTERN}")
if(NOT seeds)
  message(FATAL_ERROR "no seed files ${SEEDS}/${PATTERN}: the GDeflate reference vectors "
                      "are required (DSVK_VECTORS_DIR)")
endif()
file(REMOVE_RECURSE "${CORPUS}")
file(MAKE_DIRECTORY "${CORPUS}")
file(COPY ${seeds} DESTINATION "${CORPUS}")
get_filename_component(workdir "${CORPUS}" DIRECTORY)
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -max_len=${MAX_LEN} -timeout=30
          -rss_limit_mb=4096 -print_final_stats=1 "${CORPUS}"
  WORKING_DIRECTORY "${workdir}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); the crashing input is in ${workdir}")
endif()
