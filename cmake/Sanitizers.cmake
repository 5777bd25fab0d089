# AR_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer.
add_library(ar_sanitizers INTERFACE)
if(AR_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_compile_options(ar_sanitizers INTERFACE ${_san})
  target_link_options(ar_sanitizers INTERFACE ${_san})
endif()
