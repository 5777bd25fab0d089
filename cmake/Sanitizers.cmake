# AR_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer.
# AR_FUZZ=ON (clang only) adds libFuzzer's coverage instrumentation to the same sanitizers; the
# fuzz targets then link libFuzzer's main (tests/fuzz).
add_library(ar_sanitizers INTERFACE)
set(_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
if(AR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "AR_FUZZ=ON needs clang with libFuzzer: configure with -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  target_compile_options(ar_sanitizers INTERFACE ${_san} -fsanitize=fuzzer-no-link)
  target_link_options(ar_sanitizers INTERFACE ${_san})
elseif(AR_SANITIZE)
  target_compile_options(ar_sanitizers INTERFACE ${_san})
  target_link_options(ar_sanitizers INTERFACE ${_san})
endif()
