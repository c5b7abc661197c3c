# dsvk-demo-loader.exe, the demo's Wine path: a PE program built with the Wine bridge's
# mingw-w64 compiler against its DirectStorage ABI header. Included at the end of the
# top-level directory (cmake_language(DEFER) in tools/demo), because preload/ is configured
# after tools/. Without the bridge there is nothing to build and dsvk-demo reports the Wine
# path as pending.
if(NOT TARGET dsvk_dstorage_dll OR NOT DSVK_MINGW_CC)
  return()
endif()

set(dsvk_demo_pe_dir ${CMAKE_BINARY_DIR}/tools/demo/pe)
set(dsvk_demo_loader ${dsvk_demo_pe_dir}/dsvk-demo-loader.exe)
set(dsvk_demo_pe_flags -std=c11 -O2 -Wall -Wextra -Wshadow -Wno-missing-field-initializers
    -D_WIN32_WINNT=0x0A00 -DWIN32_LEAN_AND_MEAN -DCOBJMACROS)
if(DSVK_WERROR)
  list(APPEND dsvk_demo_pe_flags -Werror)
endif()
add_custom_command(
  OUTPUT ${dsvk_demo_loader}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${dsvk_demo_pe_dir}
  COMMAND ${DSVK_MINGW_CC} ${dsvk_demo_pe_flags} -I${CMAKE_SOURCE_DIR}/preload/pe
          -o ${dsvk_demo_loader} ${CMAKE_CURRENT_LIST_DIR}/demo_loader.c
          ${CMAKE_SOURCE_DIR}/preload/pe/dstorage_guids.c -luuid
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/demo_loader.c ${CMAKE_SOURCE_DIR}/preload/pe/dstorage_abi.h
          ${CMAKE_SOURCE_DIR}/preload/pe/dstorage_guids.c
  COMMENT "Building dsvk-demo-loader.exe (mingw-w64), the demo's Wine path"
  VERBATIM)
# The stand-in for the dstorage.dll a game ships (game_dstorage.c).
set(dsvk_demo_game_dll ${dsvk_demo_pe_dir}/dsvk-demo-game-dstorage.dll)
add_custom_command(
  OUTPUT ${dsvk_demo_game_dll}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${dsvk_demo_pe_dir}
  COMMAND ${DSVK_MINGW_CC} ${dsvk_demo_pe_flags} -shared -o ${dsvk_demo_game_dll}
          ${CMAKE_CURRENT_LIST_DIR}/game_dstorage.c
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/game_dstorage.c
  COMMENT "Building the demo's stand-in for a game's own dstorage.dll"
  VERBATIM)
add_custom_target(dsvk_demo_loader ALL DEPENDS ${dsvk_demo_loader} ${dsvk_demo_game_dll})
# Next to the shim and dstorage.dll, where dsvk-demo looks for them.
install(PROGRAMS ${dsvk_demo_loader} ${dsvk_demo_game_dll} DESTINATION ${CMAKE_INSTALL_LIBDIR}/dsvk)
